"""Line patterns shared by the text reader and its table reader."""

import re

# bullet glyphs; with '-', '*' and '–' they are the markers a list item may start with
BULLET_GLYPHS = "•·▪◦‣●○\uf0b7\uf0a7\u2022"
MARKERS = f"[-*\u2013{BULLET_GLYPHS}]"
BULLET_RE = re.compile(rf"^\s*(?P<marker>{MARKERS})\s+(?P<text>.*)$")
# a bullet the export put on a line of its own, away from its item: no text of its own
LONE_BULLET_RE = re.compile(rf"^\s*[{BULLET_GLYPHS}]\s*$")
MD_HEADING_RE = re.compile(r"^\s*(?P<hashes>#{1,6})\s+(?P<text>.*)$")
PIPE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")
