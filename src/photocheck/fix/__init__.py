"""Fixers: photo (portrait) and material (documents), the byte-capped JPEG encoder and the seal."""
