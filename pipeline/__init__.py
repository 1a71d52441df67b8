"""The stages composed: one file in, its facts out (`run`); many files, in parallel and
cached (`batch`); scored against hand-checked gold (`evaluate`); added to the corpus (`add`).

The stages themselves know nothing of each other beyond the contracts in `schemas/`:
corpus -> extract -> normalise -> publish, each importing only from the ones before it.
"""
