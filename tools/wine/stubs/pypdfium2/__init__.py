# See tools/wine/stubs/_skip.py.
import _skip

_skip.skip(__name__)
