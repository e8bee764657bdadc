"""Head pose (yaw, pitch, roll in degrees) from five facial landmarks.

A face is modelled as a rigid shape: the eyes on a plane, the nose point in front of it
by ``NOSE_DEPTH`` and below the eye line by ``NOSE_DROP`` (both in units of the
distance between the eye centres, average adult proportions). Turning the head moves
the projected nose sideways relative to the eye midpoint (yaw) and up or down (pitch);
tilting it rotates the eye line (roll). This is an estimate, good to about ±10°, which
is what the checks need: telling a face that looks at the camera from one turned past
45 degrees.

Signs: yaw > 0 when the nose points to the image's right; pitch > 0 when the face
looks up; roll > 0 when the eye line rises to the image's right.
"""

from __future__ import annotations

import math

Point = tuple[float, float]

# Where the landmark each backend calls "nose" sits, relative to the eye centres, in
# units of the inter-ocular distance: (depth in front of the eye plane, drop below the
# eye line). dlib's 5-point model marks the base of the nose, insightface the tip.
# The drops were measured on frontal faces: dlib's point on the aligned Tom Hanks test
# photo (0.85-0.9), insightface's on its own alignment template (0.57).
NOSE_GEOMETRY = {
    "nose_base": (0.45, 0.85),
    "nose_tip": (0.60, 0.57),
}


def estimate_pose(left_eye: Point, right_eye: Point, nose: Point, nose_kind: str = "nose_tip") -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees from the two eye centres and the nose point."""
    depth, drop = NOSE_GEOMETRY[nose_kind]
    dx, dy = right_eye[0] - left_eye[0], right_eye[1] - left_eye[1]
    roll = math.degrees(math.atan2(-dy, dx))
    projected_iod = math.hypot(dx, dy) or 1e-6
    # Express the nose in the eye line's own frame (undo the roll first).
    mid = ((left_eye[0] + right_eye[0]) / 2, (left_eye[1] + right_eye[1]) / 2)
    cos_r, sin_r = dx / projected_iod, dy / projected_iod
    rel_x = (nose[0] - mid[0]) * cos_r + (nose[1] - mid[1]) * sin_r
    rel_y = -(nose[0] - mid[0]) * sin_r + (nose[1] - mid[1]) * cos_r
    # Yaw shortens the eye line by cos(yaw) and moves the nose by depth*sin(yaw):
    # rel_x / projected_iod = (depth / iod) * tan(yaw).
    yaw = math.degrees(math.atan2(rel_x / projected_iod, depth))
    # Pitch: the nose's drop below the eye line is drop*cos(p) - depth*sin(p), in units
    # of the true inter-ocular distance (projected_iod / cos(yaw)).
    true_iod = projected_iod / max(math.cos(math.radians(yaw)), 0.2)
    h = rel_y / true_iod
    radius = math.hypot(drop, depth)
    alpha = math.atan2(depth, drop)
    pitch = math.degrees(math.acos(max(-1.0, min(1.0, h / radius))) - alpha)
    return yaw, pitch, roll
