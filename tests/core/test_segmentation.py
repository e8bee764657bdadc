"""Person segmentation on real photos: the astronaut from scikit-image and three people
cropped, at their own resolution, from insightface's t1.jpg.

Every region below was chosen by looking at the photos (boxes are left, top, right,
bottom in the crop's pixels): "hair" is hair from just below the top of the head down
to above the eyes, "background" is wall, window or backdrop with nothing of a person in
it. The face box is dlib's, found in the test.
"""

from __future__ import annotations

import shutil

import cv2
import numpy as np
import pytest
from PIL import Image

from headshot_studio.core import segmentation
from headshot_studio.core.events import ModelDamagedError, ModelNotFoundError, describe_error
from headshot_studio.core.faces.dlib_backend import DlibAnalyzer
from headshot_studio.core.segmentation import MODEL_SHA256, PersonSegmenter, refine_mask
from headshot_studio.testing import face_photos as fp

# name: (crop of t1.jpg or None for the astronaut, hair boxes, background boxes)
PHOTOS = {
    "astronaut": (
        None,
        [(195, 25, 265, 45), (165, 45, 290, 80)],  # the crown, then the full width of the hair
        [(70, 10, 140, 120), (320, 10, 370, 140)],  # the grey backdrop either side of the head
    ),
    "rachel": (
        (0, 190, 270, 460),
        [(58, 52, 115, 95), (25, 110, 48, 200)],  # the crown; long hair on the left, against the window
        [(0, 0, 25, 80), (190, 0, 255, 100), (200, 100, 255, 190)],  # the window; the door frame and wall
    ),
    "monica": (
        (190, 80, 450, 340),
        [(110, 35, 175, 62)],  # the top of her tied-back hair
        [(5, 20, 60, 250), (220, 70, 260, 115), (0, 0, 260, 12)],  # wall left, wall right, the top edge
    ),
    "chandler": (
        (640, 250, 920, 530),
        [(140, 52, 205, 90)],  # short dark hair
        [(0, 20, 90, 140), (110, 0, 230, 30)],  # the wall beside and above his head
    ),
}


def photo(name: str) -> np.ndarray:
    crop = PHOTOS[name][0]
    if crop is None:
        from skimage import data

        return data.astronaut()
    return np.asarray(fp.t1().crop(crop))


@pytest.fixture(scope="module")
def segmenter():
    return PersonSegmenter()


@pytest.fixture(scope="module")
def analyzer():
    return DlibAnalyzer()


@pytest.fixture(scope="module")
def mattes(segmenter, analyzer):
    """name: (photo, alpha, the dlib face)."""
    found = {}
    for name in PHOTOS:
        image = photo(name)
        faces = analyzer.detect(image)
        assert len(faces) == 1, (name, faces)
        found[name] = (image, segmenter.alpha(image), faces[0])
    return found


def region(alpha: np.ndarray, box) -> np.ndarray:
    left, top, right, bottom = (int(round(v)) for v in box)
    return alpha[max(top, 0):bottom, max(left, 0):right]


def test_the_bundled_model_is_the_one_checked():
    assert segmentation.model_path().is_file()
    from headshot_studio.core.files import sha256_file

    assert sha256_file(segmentation.model_path()) == MODEL_SHA256


def test_alpha_is_a_float_matte_the_size_of_the_photo(mattes):
    for name, (image, alpha, _) in mattes.items():
        assert alpha.shape == image.shape[:2] and alpha.dtype == np.float32, name
        assert 0.0 <= alpha.min() and alpha.max() <= 1.0, name
        # a matte, not a hard mask: the edge has in-between values
        assert ((alpha > 0.05) & (alpha < 0.95)).sum() > 100, name


# Monica's head is tilted by ~30 degrees, so her upright face box is a quarter wall; and
# the side of her face in shadow, against a wall of nearly the same colour, is partly lost
# by the model itself (its own 256 px mask already cuts the cheek by the eye on the
# image's left): a known limit, measured at 79% of the central column below.
@pytest.mark.parametrize("name", ["astronaut", "rachel", "chandler"])
def test_the_face_is_covered(mattes, name):
    """Inside dlib's face box, between the outer corners of the eyes (the box itself is
    wider than the face: its sides hold some wall beside the cheeks)."""
    image, alpha, face = mattes[name]
    corners = [point[0] for point in face.points[:4]]  # dlib's 5 points: 4 eye corners, nose
    inside = region(alpha, (min(corners), face.box[1], max(corners), face.box[3]))
    assert inside.size > 4000
    assert (inside > 0.9).mean() >= 0.99, (name, (inside > 0.9).mean())


@pytest.mark.parametrize("name", list(PHOTOS))
def test_the_hair_is_covered(mattes, name):
    image, alpha, face = mattes[name]
    eyes_y = min(face.left_eye[1], face.right_eye[1])
    for box in PHOTOS[name][1]:
        if box[0] > 100 or name != "rachel":  # the crown (not the long hair beside the face)
            assert box[3] < eyes_y, (name, box, eyes_y)  # the boxes really are above the eyes
        hair = region(alpha, box)
        assert (hair > 0.9).mean() >= 0.97, (name, box, (hair > 0.9).mean())
    # ...right up to the top of the head: the first row that is mostly person lies within
    # 3 px of the hair box's top (the crown boxes start 3-10 px below the top of the hair).
    left, top, right, _ = PHOTOS[name][1][0]
    rows = np.nonzero((alpha[:, left:right] > 0.5).mean(axis=1) > 0.5)[0]
    assert top - 12 <= rows[0] <= top, (name, rows[0], top)


@pytest.mark.parametrize("name", list(PHOTOS))
def test_the_background_is_left_out(mattes, name):
    image, alpha, _ = mattes[name]
    for box in PHOTOS[name][2]:
        background = region(alpha, box)
        assert (background < 0.1).mean() >= 0.995, (name, box, (background < 0.1).mean())
        assert background.mean() < 0.01, (name, box, background.mean())


def _band_width(alpha: np.ndarray, box) -> float:
    """Pixels in the soft edge (0.05-0.95) per pixel of the 0.5 contour, within ``box``:
    the edge's mean width in pixels."""
    part = region(alpha, box)
    soft = ((part > 0.05) & (part < 0.95)).sum()
    contours = cv2.findContours((part >= 0.5).astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)[0]
    length = sum(len(c) for c in contours)  # boundary pixels, crop borders included
    return soft / max(length, 1)


def _distance_to_photo_edges(image: np.ndarray, alpha: np.ndarray, box) -> float:
    """Mean distance (px) from the matte's alpha = 0.5 contour within ``box`` (its borders
    left out) to the nearest edge that Canny finds in the photo: small when the matte's
    edge lies on the photo's."""
    edges = cv2.Canny(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), 50, 120)
    distance = cv2.distanceTransform(255 - edges, cv2.DIST_L2, 5)
    inside = (alpha >= 0.5).astype(np.uint8)
    contour = (inside - cv2.erode(inside, np.ones((3, 3), np.uint8))).astype(bool)
    left, top, right, bottom = box
    contour[:top + 2], contour[bottom - 2:], contour[:, :left + 2], contour[:, right - 2:] = False, False, False, False
    return float(distance[contour].mean())


def test_refinement_makes_the_edge_follow_the_photo(segmenter):
    """At 1024 px the model's 256 px mask, merely enlarged, is a blob whose soft ramp is
    ~7 px wide and lies wherever the blob put it; refined, the edge is as sharp as the
    photo's and sits on the photo's own edges (measured: 3.3 against 6.7 px wide, 0.47
    against 0.91 px from Canny's edges)."""
    image = np.asarray(Image.fromarray(photo("astronaut")).resize((1024, 1024), Image.Resampling.LANCZOS))
    head = (260, 10, 640, 260)  # the hair and the backdrop around it, at 1024 px
    mask = segmenter.model_mask(image)
    enlarged = cv2.resize(mask, (1024, 1024), interpolation=cv2.INTER_LINEAR)
    refined = refine_mask(image, mask)
    assert _band_width(refined, head) < 0.6 * _band_width(enlarged, head), (
        _band_width(refined, head), _band_width(enlarged, head))
    assert _distance_to_photo_edges(image, refined, head) < 0.7 * _distance_to_photo_edges(image, enlarged, head), (
        _distance_to_photo_edges(image, refined, head), _distance_to_photo_edges(image, enlarged, head))


def test_large_photos_cost_about_what_small_ones_do(segmenter):
    """The filter's coefficients are computed at REFINE_SIDE whatever the photo's size,
    and a 2048 px photo gives the same matte as its 512 px version, enlarged."""
    small = photo("astronaut")
    large = np.asarray(Image.fromarray(small).resize((2048, 2048), Image.Resampling.LANCZOS))
    alpha_small = segmenter.alpha(small)
    alpha_large = segmenter.alpha(large)
    assert alpha_large.shape == (2048, 2048)
    reduced = cv2.resize(alpha_large, (512, 512), interpolation=cv2.INTER_AREA)
    assert np.abs(reduced - alpha_small).mean() < 0.01


def test_a_missing_model_is_a_clear_error(tmp_path):
    segmenter = PersonSegmenter(tmp_path / "selfie_segmentation.tflite")  # lazy: no error yet
    with pytest.raises(ModelNotFoundError) as caught:
        segmenter.alpha(photo("rachel"))
    kind, message, details = describe_error(caught.value)
    assert kind == ModelNotFoundError.kind
    assert "segmentation model is missing" in message and "Reinstall" in message
    assert "/" not in message and "selfie_segmentation.tflite" in details  # no path shown to the user


def test_a_changed_model_is_refused_before_loading(tmp_path):
    altered = tmp_path / "selfie_segmentation.tflite"
    shutil.copyfile(segmentation.model_path(), altered)
    data = bytearray(altered.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte somewhere in the weights
    altered.write_bytes(bytes(data))
    with pytest.raises(ModelDamagedError) as caught:
        PersonSegmenter(altered).alpha(photo("rachel"))
    assert "damaged or has been changed" in caught.value.message
    assert MODEL_SHA256 in caught.value.details


def test_a_model_that_is_a_folder_is_missing(tmp_path):
    (tmp_path / "selfie_segmentation.tflite").mkdir()
    with pytest.raises(ModelNotFoundError):
        PersonSegmenter(tmp_path / "selfie_segmentation.tflite").alpha(photo("rachel"))


@pytest.mark.parametrize(
    "bad",
    [np.zeros((64, 64, 3), np.float32), np.zeros((64, 64), np.uint8), np.zeros((64, 64, 4), np.uint8),
     np.zeros((1, 64, 3), np.uint8)],
)
def test_photos_that_are_not_rgb_bytes_are_refused(segmenter, bad):
    with pytest.raises(ValueError, match="RGB uint8|too small"):
        segmenter.alpha(bad)
