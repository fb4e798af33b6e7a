"""The Qt desktop interface, on top of the Qt-free core."""
