"""Real handwritten digits offline, shaped like MNIST.

scikit-learn ships 1,797 digits of 8x8 pixels (values 0..16, ink high). They are
grown to 20x20 by bilinear interpolation and centred in 28x28 like MNIST's, white
ink on black in 0..255, so the notes' `Flatten(28x28)` model takes them unchanged.

`upscale_digits` and `digit_pair` are pure numpy and self-contained, so the code
exporter can copy them; the scikit-learn import lives only in `load_digit_arrays`.

Example:

>>> x, y = digit_images()
>>> x.shape, x.dtype, y.dtype, float(x.max())
((1797, 28, 28, 1), dtype('float32'), dtype('int32'), 255.0)
>>> x38, y38 = digit_pair(x, y, 3, 8)
>>> y38.shape[1], sorted(set(y38[:, 0].tolist()))
(1, [0.0, 1.0])
"""

import numpy as np


def load_digit_arrays():
    """scikit-learn's bundled digits: images (1797, 8, 8) in 0..16 and labels (1797,)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.images, digits.target


def upscale_digits(images, size=20, canvas=28, top=16.0):
    """Grow square images to `size` pixels (bilinear), centre them on a black canvas.

    Args:
        images: (n, h, h) array with values from 0 to `top`.
        size: side of the grown digit; MNIST's digits fit in 20x20.
        canvas: side of the output; MNIST's pictures are 28x28.
        top: the input's largest value, mapped to 255.

    Returns:
        float32 (n, canvas, canvas, 1) in 0..255.
    """
    images = np.asarray(images, dtype=np.float64)
    side = images.shape[1]
    # Pixel centres of the output, in input pixel coordinates (edges clamped).
    source = np.clip((np.arange(size) + 0.5) * side / size - 0.5, 0.0, side - 1.0)
    low = np.floor(source).astype(int)
    high = np.minimum(low + 1, side - 1)
    weight = source - low
    blend = np.zeros((size, side))
    blend[np.arange(size), low] += 1.0 - weight
    blend[np.arange(size), high] += weight
    grown = np.einsum("ij,njk,lk->nil", blend, images, blend)
    start = (canvas - size) // 2
    out = np.zeros((len(images), canvas, canvas, 1), dtype=np.float32)
    out[:, start:start + size, start:start + size, 0] = np.clip(grown * (255.0 / top), 0.0, 255.0)
    return out


def digit_images():
    """All 1,797 digits as MNIST-like float32 (n, 28, 28, 1) pictures and int32 labels."""
    images, labels = load_digit_arrays()
    return upscale_digits(images), np.asarray(labels, dtype=np.int32)


def digit_pair(x, y, first, second):
    """Only the pictures of two digits, labelled 0.0 for `first` and 1.0 for `second`.

    Returns:
        the matching pictures of `x` and float32 labels shaped (n, 1).
    """
    keep = (y == first) | (y == second)
    return x[keep], (y[keep] == second).astype(np.float32).reshape(-1, 1)
