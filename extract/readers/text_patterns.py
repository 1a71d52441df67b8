"""Line patterns shared by the text reader and its table reader."""

import re

BULLET_RE = re.compile(r"^\s*(?P<marker>[-•·*▪◦‣●○\uf0b7\uf0a7\u2022\u2013])\s+(?P<text>.*)$")
MD_HEADING_RE = re.compile(r"^\s*(?P<hashes>#{1,6})\s+(?P<text>.*)$")
PIPE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")
