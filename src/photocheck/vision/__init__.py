"""Computer-vision building blocks over the fetched models (pure numpy/cv2, no Qt).

- ``face``: face detection, 468-point landmarks, roll/yaw, upright orientation;
- ``segment``: person/background mask with edge-aware refinement;
- ``text``: OCR (PP-OCR models).

Submodules load their networks lazily on first use; importing this package is cheap.
"""
