"""Pictures of circles, squares and triangles, drawn with numpy alone.

An offline stand-in for the notes' 150x150 colour photos: every picture has its own
background colour with a mild gradient and grain, a foreground colour clearly
different from it, and a shape placed, sized and turned at random. A network that
sees the same shapes every time would learn positions; these vary, so augmentation
and dropout have something to do.

Shapes are drawn from signed distances on a pixel grid (a circle's radius, a
square's two half-widths, a triangle's three half-planes), which also smooths their
edges. `make_shapes` is pure numpy and self-contained, so the code exporter can copy it.

Example:

>>> x, y = make_shapes(("circle", "square"), samples_per_class=5, image_size=32, seed=0)
>>> x.shape, x.dtype, y.tolist().count(1)
((10, 32, 32, 3), dtype('float32'), 5)
"""

import numpy as np


def make_shapes(classes, samples_per_class, image_size, seed):
    """RGB pictures of shapes, one class per shape name.

    Each shape has the area of a circle whose diameter is 30% to 56% of the picture,
    lies wholly inside it, and squares and triangles are turned by a random angle.

    Args:
        classes: shape names from "circle", "square", "triangle"; the class index of
            a picture is the position of its shape in `classes`.
        samples_per_class: pictures of each shape.
        image_size: side of the square pictures, in pixels.
        seed: random seed; the same seed gives the same pictures.

    Returns:
        x float32 (n, image_size, image_size, 3) in 0..255 and y int32 (n,), the
        pictures in shuffled order, n = len(classes) * samples_per_class.
    """
    for name in classes:
        if name not in ("circle", "square", "triangle"):
            raise ValueError(f"Unknown shape {name!r}; expected circle, square or triangle.")
    rng = np.random.default_rng(seed)
    n = len(classes) * samples_per_class
    labels = rng.permutation(np.repeat(np.arange(len(classes)), samples_per_class))
    size = image_size
    x = np.empty((n, size, size, 3), dtype=np.float32)
    centres = np.arange(size, dtype=np.float32) + 0.5
    col, row = centres[None, :], centres[:, None]
    u, v = col / size - 0.5, row / size - 0.5
    for i in range(n):
        shape = classes[labels[i]]
        background = rng.uniform(0.0, 255.0, 3)
        # The first of a batch of candidate colours far from the background in colour
        # and in brightness; the opposite corner of the colour cube if none is.
        candidates = rng.uniform(0.0, 255.0, (64, 3))
        brightness = np.abs((candidates - background) @ np.array([0.299, 0.587, 0.114]))
        far = (np.linalg.norm(candidates - background, axis=1) >= 150.0) & (brightness >= 60.0)
        foreground = candidates[np.argmax(far)] if far.any() else np.where(background < 128, 255.0, 0.0)
        # Equal areas: a square of side sqrt(pi) r, a triangle of side sqrt(4 pi / sqrt(3)) r.
        r = rng.uniform(0.15, 0.28) * size
        if shape == "circle":
            reach = r
        elif shape == "square":
            half = 0.5 * np.sqrt(np.pi) * r
            reach = half * np.sqrt(2.0)
        else:
            inradius = np.sqrt(4 * np.pi / np.sqrt(3.0)) * r / (2 * np.sqrt(3.0))
            reach = 2 * inradius
        cx, cy = rng.uniform(reach + 1, size - reach - 1, 2)
        angle = rng.uniform(0.0, 2 * np.pi)
        dx, dy = col - cx, row - cy
        if shape == "circle":
            distance = np.sqrt(dx * dx + dy * dy) - r
        elif shape == "square":
            c, s = np.cos(angle), np.sin(angle)
            distance = np.maximum(np.abs(c * dx + s * dy), np.abs(c * dy - s * dx)) - half
        else:
            distance = np.full((size, size), -np.inf, dtype=np.float32)
            for k in range(3):
                normal = angle + k * 2 * np.pi / 3
                distance = np.maximum(distance, np.cos(normal) * dx + np.sin(normal) * dy)
            distance = distance - inradius
        cover = np.clip(0.5 - distance, 0.0, 1.0)[..., None]
        slope = rng.uniform(0.0, 30.0)  # at most 21 either way of the mean colour
        direction = rng.uniform(0.0, 2 * np.pi)
        shade = (slope * (np.cos(direction) * u + np.sin(direction) * v))[..., None]
        grain = rng.standard_normal((size, size, 3), dtype=np.float32) * 4.0
        picture = (background + shade) * (1.0 - cover) + foreground * cover + grain
        x[i] = np.clip(picture, 0.0, 255.0)
    return x, labels.astype(np.int32)
