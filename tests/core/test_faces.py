"""Face analysis backends: the built-in dlib one on real faces, and the insightface
adapter against small ONNX networks with buffalo_l's input/output signatures."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from headshot_studio import paths
from headshot_studio.core.faces import analyze, cosine_similarity, load_face_analyzer
from headshot_studio.core.faces import insightface_backend as ib
from headshot_studio.core.faces.dlib_backend import DlibAnalyzer
from headshot_studio.core.faces.pose import estimate_pose
from headshot_studio.testing import face_photos as fp


@pytest.fixture(scope="module")
def dlib_analyzer():
    return DlibAnalyzer()


def test_dlib_finds_all_six_people_with_landmarks_pose_and_embeddings():
    # Selfies are searched at 640 px for speed; a group photo needs its full size.
    image = np.asarray(fp.t1())
    faces = analyze(DlibAnalyzer(detect_side=1280), image)
    assert len(faces) >= 6
    for name, (left, top, right, bottom) in fp.T1_FACES.items():
        match = [f for f in faces if abs(f.center[0] - (left + right) / 2) < 20 and abs(f.center[1] - (top + bottom) / 2) < 20]
        assert match, name
        face = match[0]
        assert face.box[0] < face.left_eye[0] < face.right_eye[0] < face.box[2]
        assert face.embedding.shape == (128,) and abs(np.linalg.norm(face.embedding) - 1) < 1e-5
        assert -90 < face.yaw < 90 and -90 < face.roll < 90
    areas = [f.width * f.height for f in faces]
    assert areas == sorted(areas, reverse=True)  # largest first


def test_dlib_same_person_threshold_separates_people(dlib_analyzer):
    faces = analyze(DlibAnalyzer(detect_side=1280), np.asarray(fp.t1()))[:6]
    threshold = dlib_analyzer.same_person_threshold
    for i, a in enumerate(faces):
        for b in faces[i + 1 :]:
            assert cosine_similarity(a.embedding, b.embedding) < threshold
    photo = np.asarray(fp.person_photo("ross"))
    varied = np.asarray(fp.blur(fp.person_photo("ross", zoom=1.4), 2))
    a, b = analyze(dlib_analyzer, photo)[0], analyze(dlib_analyzer, varied)[0]
    assert cosine_similarity(a.embedding, b.embedding) >= threshold


def test_pose_signs():
    frontal = estimate_pose((100, 100), (200, 100), (150, 185), "nose_base")
    assert all(abs(v) < 3 for v in frontal)
    yaw_right = estimate_pose((100, 100), (190, 100), (180, 185), "nose_base")[0]
    assert yaw_right > 30
    roll = estimate_pose((100, 120), (200, 100), (150, 195), "nose_base")[2]
    assert roll == pytest.approx(11.3, abs=0.5)


def test_similarity_transform_recovers_a_known_transform():
    angle, scale, shift = np.radians(20), 1.7, np.array([5.0, -3.0])
    rotation = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    source = ib.ARCFACE_TEMPLATE
    target = source @ rotation.T + shift
    matrix = ib.similarity_transform(source, target)
    np.testing.assert_allclose(matrix[:, :2], rotation, atol=1e-9)
    np.testing.assert_allclose(matrix[:, 2], shift, atol=1e-9)


# --- the insightface adapter on ONNX stand-ins ------------------------------------------------

# One face in the 640x640 detector input, on the stride-32 grid cell (x=10, y=8), anchor 0.
FACE_CELL = (10, 8)
FACE_DISTANCES = (3.0, 3.0, 3.0, 3.0)  # left, top, right, bottom, in strides
FACE_KEYPOINTS = [(-1.0, -0.5), (1.0, -0.5), (0.0, 0.3), (-0.8, 1.2), (0.8, 1.2)]  # in strides


def _constant_outputs_model(path, input_name, input_shape, outputs):
    """An ONNX model whose outputs are fixed arrays (plus 0 x the input's mean, so the
    input is really consumed)."""
    from onnx import TensorProto, helper, numpy_helper

    nodes = [
        helper.make_node("ReduceMean", [input_name], ["mean"], keepdims=0),
        helper.make_node("Mul", ["mean", "zero"], ["nothing"]),
    ]
    initializers = [numpy_helper.from_array(np.zeros((), np.float32), "zero")]
    graph_outputs = []
    for name, array in outputs:
        initializers.append(numpy_helper.from_array(array.astype(np.float32), f"{name}_value"))
        nodes.append(helper.make_node("Add", [f"{name}_value", "nothing"], [name]))
        graph_outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(array.shape)))
    graph = helper.make_graph(
        nodes, "stand-in", [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, input_shape)], graph_outputs, initializers
    )
    save_model(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def save_model(model, path):
    """Save with the IR version buffalo_l's files have (8), which every onnxruntime reads."""
    import onnx

    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def build_scrfd_stand_in(path):
    scores, boxes, kps = [], [], []
    for stride in ib.STRIDES:
        cells = 640 // stride
        n = cells * cells * ib.ANCHORS_PER_CELL
        s, b, k = np.zeros((n, 1)), np.zeros((n, 4)), np.zeros((n, 10))
        if stride == 32:
            index = (FACE_CELL[1] * cells + FACE_CELL[0]) * ib.ANCHORS_PER_CELL
            s[index], b[index], k[index] = 0.92, FACE_DISTANCES, np.ravel(FACE_KEYPOINTS)
            # the same face found again, a little weaker: non-maximum suppression removes it
            s[index + 1], b[index + 1], k[index + 1] = 0.80, (2.8, 3.0, 3.1, 3.0), np.ravel(FACE_KEYPOINTS)
            # a weak detection elsewhere: below the score threshold
            s[index + 20], b[index + 20] = 0.30, (1, 1, 1, 1)
        scores.append(s)
        boxes.append(b)
        kps.append(k)
    outputs = [(f"score_{st}", a) for st, a in zip(ib.STRIDES, scores)]
    outputs += [(f"bbox_{st}", a) for st, a in zip(ib.STRIDES, boxes)]
    outputs += [(f"kps_{st}", a) for st, a in zip(ib.STRIDES, kps)]
    _constant_outputs_model(path, "input.1", [1, 3, 640, 640], outputs)


def build_arcface_stand_in(path, projection: np.ndarray):
    """112x112 RGB -> 512-d: the input's mean colour times a fixed 3x512 matrix."""
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [
            helper.make_node("GlobalAveragePool", ["input.1"], ["pooled"]),
            helper.make_node("Flatten", ["pooled"], ["flat"]),
            helper.make_node("MatMul", ["flat", "projection"], ["683"]),
        ],
        "arcface-stand-in",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 3, 112, 112])],
        [helper.make_tensor_value_info("683", TensorProto.FLOAT, [1, 512])],
        [numpy_helper.from_array(projection.astype(np.float32), "projection")],
    )
    save_model(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


@pytest.fixture
def stand_in_pack(tmp_path):
    pack = tmp_path / "models" / "buffalo_l"
    pack.mkdir(parents=True)
    build_scrfd_stand_in(pack / ib.DETECTOR_FILE)
    projection = np.random.default_rng(0).normal(size=(3, 512))
    build_arcface_stand_in(pack / ib.EMBEDDER_FILE, projection)
    return pack, projection


def test_insightface_adapter_decodes_scrfd_outputs(stand_in_pack):
    pack, _ = stand_in_pack
    analyzer = ib.InsightFaceAnalyzer(pack)
    image = np.zeros((960, 1280, 3), np.uint8)  # scaled by 0.5 into the 640 input
    faces = analyzer.detect(image)
    assert len(faces) == 1  # duplicate suppressed, weak one dropped
    face = faces[0]
    cx, cy = FACE_CELL[0] * 32, FACE_CELL[1] * 32
    expected_box = np.array([cx - 96, cy - 96, cx + 96, cy + 96]) / 0.5
    np.testing.assert_allclose(face.box, expected_box, atol=1e-3)
    np.testing.assert_allclose(face.left_eye, ((cx - 32) / 0.5, (cy - 16) / 0.5), atol=1e-3)
    np.testing.assert_allclose(face.right_eye, ((cx + 32) / 0.5, (cy - 16) / 0.5), atol=1e-3)
    assert face.score == pytest.approx(0.92, abs=1e-5)
    assert abs(face.yaw) < 1 and abs(face.roll) < 1


def test_insightface_adapter_aligns_the_face_before_embedding(stand_in_pack):
    pack, projection = stand_in_pack
    analyzer = ib.InsightFaceAnalyzer(pack)
    image = np.zeros((960, 1280, 3), np.uint8)
    image[...] = (20, 40, 200)  # blue everywhere...
    face = analyzer.detect(image)[0]
    left, top, right, bottom = (int(v) for v in face.box)
    image[top:bottom, left:right] = (230, 60, 30)  # ...but the face is red
    embedded = analyzer.embed(image, face)
    # The aligned 112x112 crop lies inside the face box, so its mean colour is the red.
    normalised = (np.array([230, 60, 30]) - 127.5) / 127.5
    expected = normalised @ projection
    assert embedded.embedding.shape == (512,)
    assert cosine_similarity(embedded.embedding, expected) > 0.999
    assert abs(np.linalg.norm(embedded.embedding) - 1) < 1e-5


def test_insightface_pack_is_used_automatically_when_installed(stand_in_pack, monkeypatch):
    pack, _ = stand_in_pack
    assert load_face_analyzer([paths.user_models_dir()]).name == "dlib"
    monkeypatch.setenv("HEADSHOT_STUDIO_MODELS", str(pack.parent))
    from headshot_studio.core.models import model_roots

    analyzer = load_face_analyzer(root for root, _ in model_roots())
    assert analyzer.name == "insightface-buffalo_l" and "non-commercial" in analyzer.licence
    assert analyzer.same_person_threshold != DlibAnalyzer.same_person_threshold


def test_a_broken_pack_falls_back_to_the_built_in_backend(tmp_path, caplog):
    import logging

    pack = tmp_path / "buffalo_l"
    pack.mkdir()
    (pack / ib.DETECTOR_FILE).write_bytes(b"not onnx")
    (pack / ib.EMBEDDER_FILE).write_bytes(b"not onnx")
    with caplog.at_level(logging.WARNING, logger="headshot_studio.core.faces"):
        analyzer = load_face_analyzer([tmp_path])
    assert analyzer.name == "dlib" and analyzer.same_person_threshold == DlibAnalyzer.same_person_threshold
    # not silently: the log says which pack could not be used, and that the built-in one is used instead
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert str(pack) in warning.getMessage() and "not usable" in warning.getMessage()
    assert warning.getMessage().endswith("using the built-in face analysis")


def test_quality_checks_run_on_the_insightface_adapter(stand_in_pack, tmp_path):
    """The checks only use the FaceAnalyzer protocol: they run on either backend."""
    from headshot_studio.core.quality import check_photo

    pack, _ = stand_in_pack
    path = tmp_path / "photo.png"
    Image.fromarray(np.full((960, 1280, 3), 128, np.uint8)).save(path)
    report = check_photo(path, ib.InsightFaceAnalyzer(pack))
    assert report.face is not None and report.face.embedding.shape == (512,)
    assert report.faces_found == 1
