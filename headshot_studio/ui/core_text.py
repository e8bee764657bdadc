"""Core's words in the user's language.

``core`` stays free of Qt (DESIGN.md), so its sentences - a photo's verdict and what to
fix, the set's readiness, the gallery's words, errors, the run's progress - are English
text. The UI passes each one through :func:`core_text` where it puts it into a widget:
a sentence core always says the same way is looked up in :data:`SENTENCES`; a sentence
with values in it (a file name, a count) matches one of :data:`PATTERNS`, whose
template is translated and filled with the values. Text this module does not know (a
style file's own words, a new sentence in core) is shown as it is, in English.

Everything here is in the translation context "core" (``QT_TRANSLATE_NOOP`` marks it
for lupdate; nothing is translated at import). tests/ui/test_core_text.py checks each
entry against what core really says, so a change of wording in core fails there until
it is made here too (and in the catalogue: ``python tools/translations.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "core"

# --- sentences core always words the same way -------------------------------------------
SENTENCES = (
    # core/quality.py: a photo's problems, each with its fix
    QT_TRANSLATE_NOOP("core", "Good photo."),
    QT_TRANSLATE_NOOP("core", "No face was found. Use a photo where your face is clearly visible, facing the camera, "
                              "in good light."),
    QT_TRANSLATE_NOOP("core", "The photo is blurry. Hold the phone still, tap your face to focus, or use more light."),
    QT_TRANSLATE_NOOP("core", "Your head is turned too far from the camera. Use photos where you face the camera or "
                              "turn your head only slightly."),
    QT_TRANSLATE_NOOP("core", "Your eyes are closed in this photo. Take one more with your eyes open."),
    QT_TRANSLATE_NOOP("core", "You are looking away from the camera in this photo. Take one more looking straight "
                              "into the lens."),
    QT_TRANSLATE_NOOP("core", "Other people are in this photo; the largest face is used. A photo of you alone is "
                              "better."),
    QT_TRANSLATE_NOOP("core", "Several faces of similar size are in this photo, so it is unclear which one is you. "
                              "Use a photo of you alone."),
    QT_TRANSLATE_NOOP("core", "Part of your face is cut off at the edge of the photo. Use a photo with your whole "
                              "head in the picture."),
    QT_TRANSLATE_NOOP("core", "Your head is very close to the edge of the photo. Leave some space around your head "
                              "and hair."),
    QT_TRANSLATE_NOOP("core", "The photo is too dark to see your face clearly. Take it facing a window or in "
                              "brighter light."),
    QT_TRANSLATE_NOOP("core", "The photo is rather dark. Face a window or a lamp for a brighter photo."),
    QT_TRANSLATE_NOOP("core", "Your face is washed out by too much light. Avoid direct sun or flash; use soft "
                              "daylight."),
    QT_TRANSLATE_NOOP("core", "Parts of your face are too bright. Move out of direct sun or turn off the flash."),
    QT_TRANSLATE_NOOP("core", "One side of your face is in strong shadow. Face the light (a window in front of you) "
                              "rather than having it beside you."),
    QT_TRANSLATE_NOOP("core", "The photos do not show one person consistently. Use photos of just one person: you."),
    QT_TRANSLATE_NOOP("core", "This looks like a different person from the rest of the photos. Remove it, or check it "
                              "is really you."),
    QT_TRANSLATE_NOOP("core", "All photos show your face from the same angle. Add a few with your head turned "
                              "slightly left or right."),
    QT_TRANSLATE_NOOP("core", "All photos were taken in the same light. Add some in different places (daylight "
                              "outside, indoors by a window)."),
    # core/photo_status.py: a photo being checked, and the set
    QT_TRANSLATE_NOOP("core", "Checking this photo…"),
    QT_TRANSLATE_NOOP("core", "This file could not be read, so it is not used. Try another copy of the photo, or "
                              "remove it and add a different one."),
    QT_TRANSLATE_NOOP("core", "Still checking this photo…"),
    QT_TRANSLATE_NOOP("core", "Nothing to fix: this photo is good for learning your face."),
    QT_TRANSLATE_NOOP("core", "No photos yet."),
    QT_TRANSLATE_NOOP("core", "Start a session first."),
    QT_TRANSLATE_NOOP("core", "Not ready yet: none of these photos can be used. Add other photos of yourself."),
    # core/gallery.py: the words on a headshot's card (FLAG_WORDS, UNKNOWN_FLAG, SCORE_WORDS)
    QT_TRANSLATE_NOOP("core", "No face found"),
    QT_TRANSLATE_NOOP("core", "Doesn't look like you"),
    QT_TRANSLATE_NOOP("core", "More than one face"),
    QT_TRANSLATE_NOOP("core", "Eyes closed"),
    QT_TRANSLATE_NOOP("core", "Eyes don't match"),
    QT_TRANSLATE_NOOP("core", "Check this one"),
    QT_TRANSLATE_NOOP("core", "Likeness"),
    QT_TRANSLATE_NOOP("core", "Eyes"),
    QT_TRANSLATE_NOOP("core", "Sharpness"),
    QT_TRANSLATE_NOOP("core", "Image quality"),
    QT_TRANSLATE_NOOP("core", "Light"),
    QT_TRANSLATE_NOOP("core", "Framing"),
    QT_TRANSLATE_NOOP("core", "Unknown style"),
    QT_TRANSLATE_NOOP("core", "Your selfies were deleted after your face was learned, as you asked, so there is none "
                              "to compare with."),
    QT_TRANSLATE_NOOP("core", "Your selfies are no longer where they were when you added them, so there is none to "
                              "compare with."),
    QT_TRANSLATE_NOOP("core", "This session has no selfies to compare with."),
    # core/events.py: errors any step can end in
    QT_TRANSLATE_NOOP("core", "Your graphics card ran out of memory even with the lightest settings. Close other "
                              "programs that use the graphics card (games, browsers playing video), then try again; "
                              "or choose a smaller model."),
    QT_TRANSLATE_NOOP("core", "The disk is full, so the run stopped. Everything finished so far is kept. Free up "
                              "space (empty the recycle bin, delete sessions you no longer need or other large "
                              "files), then start the run again: it continues where it stopped."),
    QT_TRANSLATE_NOOP("core", "The disk is full. Free up space (empty the recycle bin, delete sessions you no longer "
                              "need or other large files), then try again. Files saved before were not damaged."),
    QT_TRANSLATE_NOOP("core", "The computer ran out of memory. Close other programs and try again."),
    QT_TRANSLATE_NOOP("core", "Something went wrong inside Headshot Studio. Your photos and finished images are "
                              "kept. Copy the details and send them to support."),
    # core/pipeline.py: before and during a run
    QT_TRANSLATE_NOOP("core", "Choose at least one style."),
    QT_TRANSLATE_NOOP("core", "This session's recorded settings are damaged, so it cannot be continued. Start a new "
                              "session with the same photos, or delete this one."),
    QT_TRANSLATE_NOOP("core", "Ran out of graphics memory; trying again with lighter settings…"),
    QT_TRANSLATE_NOOP("core", "Generating"),
    QT_TRANSLATE_NOOP("core", "Ranking"),
    QT_TRANSLATE_NOOP("core", "Recording checksums"),
    # core/session.py
    QT_TRANSLATE_NOOP("core", "Give the session a name (for example the client's name)."),
    QT_TRANSLATE_NOOP("core", "The name holds invisible control characters. Type the name again with letters, "
                              "digits and punctuation only."),
    QT_TRANSLATE_NOOP("core", "A run is working on this session right now. Stop it (or wait for it to finish), then "
                              "delete the session."),
    QT_TRANSLATE_NOOP("core", "The session could not be removed completely: another program may be using its files, "
                              "or this user may not change its folder. Close other programs and try again."),
    # core/export.py
    QT_TRANSLATE_NOOP("core", "Full size"),
    QT_TRANSLATE_NOOP("core", "Nothing to export. Select some headshots or mark favourites first."),
    # core/styles.py: samplers whose names say something (the rest are names)
    QT_TRANSLATE_NOOP("core", "Euler ancestral (more variety)"),
    QT_TRANSLATE_NOOP("core", "UniPC (fast)"),
    # headshot_studio/settings.py: the settings' descriptions (tooltips in the Settings dialog)
    QT_TRANSLATE_NOOP("core", "An extra folder to look for models in (empty: only the app's own folders)."),
    QT_TRANSLATE_NOOP("core", "How many headshots to make per style."),
    QT_TRANSLATE_NOOP("core", "Quality/speed preset: fast, balanced or best."),
    QT_TRANSLATE_NOOP("core", "How much the headshots are retouched: off (no smoothing, the face only lightly "
                              "re-drawn), natural (skin texture kept) or polished (smoother skin, crisper detail)."),
    QT_TRANSLATE_NOOP("core", "How far each headshot's colour is moved toward its style's light, in percent (0: as "
                              "made)."),
    QT_TRANSLATE_NOOP("core", "Copy selfies into the session (else refer to them where they are)."),
    # core/images.py: what a file that is not a photo looks like ("… (it looks like {what}) …")
    QT_TRANSLATE_NOOP("core", "a GIF image, a format Headshot Studio does not read photos from"),
    QT_TRANSLATE_NOOP("core", "a TIFF image, a format Headshot Studio does not read photos from"),
    QT_TRANSLATE_NOOP("core", "a video"),
    QT_TRANSLATE_NOOP("core", "a PDF document"),
    QT_TRANSLATE_NOOP("core", "a PostScript document"),
    QT_TRANSLATE_NOOP("core", "a ZIP archive (or an Office document)"),
    QT_TRANSLATE_NOOP("core", "a hidden file that macOS keeps beside a photo, not the photo itself"),
    QT_TRANSLATE_NOOP("core", "nothing but zero bytes, as a copy that did not finish often is"),
    QT_TRANSLATE_NOOP("core", "an SVG drawing"),
    QT_TRANSLATE_NOOP("core", "a web page"),
    QT_TRANSLATE_NOOP("core", "a text file"),
)
_SENTENCE_SET = frozenset(SENTENCES)


# --- sentences with values in them -------------------------------------------------------
@dataclass(frozen=True)
class Pattern:
    """A sentence core words with values: ``template`` is the sentence with a
    ``{name}`` for each value (what the translator sees); the regular expression that
    recognises it is made from it. ``nested`` names the values that are core's words
    themselves, translated in turn: "sentence" (a known sentence or pattern), "lowered"
    (a sentence whose first letter core made small), "list" (items joined by ", ").
    ``numbers`` names the values that are always a number (so "{count} photos" never
    takes "Not ready yet: 3" for its count); any other value may be any text."""

    template: str
    nested: tuple[tuple[str, str], ...] = ()
    numbers: tuple[str, ...] = ()

    @property
    def regex(self) -> re.Pattern:
        return _regex(self.template, self.numbers)


def _p(template: str, numbers: tuple[str, ...] = (), **nested: str) -> Pattern:
    return Pattern(template, tuple(nested.items()), numbers)


PATTERNS = (
    # core/quality.py: the set's readiness, quoting its worst finding (first: the finding
    # itself may be a sentence below)
    _p(QT_TRANSLATE_NOOP("core", "Ready, but {finding}"), finding="lowered"),
    _p(QT_TRANSLATE_NOOP("core", "Not ready yet: {finding}"), finding="lowered"),
    # core/quality.py: a photo's findings, and the set's
    _p(QT_TRANSLATE_NOOP("core", "The photo is only {width}x{height} pixels. Use the original photo from your phone, "
                                 "not a thumbnail or a screenshot.")),
    _p(QT_TRANSLATE_NOOP("core", "Your face is too small in this photo (about {width} pixels wide): it would have to "
                                 "be enlarged {factor} times for this model's {resolution}-pixel training, and the "
                                 "learned face would come out soft. Move closer to the camera so your face fills "
                                 "about a third of the picture.")),
    _p(QT_TRANSLATE_NOOP("core", "Your face is a little small in this photo (about {width} pixels wide): it will be "
                                 "enlarged {factor} times for this model's {resolution}-pixel training, which softens "
                                 "it. Move closer to the camera so your face fills about a third of the picture.")),
    _p(QT_TRANSLATE_NOOP("core", "This is the same photo as “{name}”. Every photo should be a different shot.")),
    _p(QT_TRANSLATE_NOOP("core", "1 usable photo; at least {minimum} are needed, {low}-{high} is ideal. Add {more} "
                                 "more.")),
    _p(QT_TRANSLATE_NOOP("core", "{count} usable photos; at least {minimum} are needed, {low}-{high} is ideal. Add "
                                 "{more} more."), numbers=("count",)),
    _p(QT_TRANSLATE_NOOP("core", "{low}-{high} photos give a better likeness than {count}. Add a few more if you "
                                 "can."), numbers=("low",)),
    _p(QT_TRANSLATE_NOOP("core", "{count} photos is more than needed; {high} good ones are enough and learn faster. "
                                 "Remove the weakest."), numbers=("count",)),
    _p(QT_TRANSLATE_NOOP("core", "That is {count} photos: a session takes at most {maximum} and this one already has "
                                 "{already}. {low}-{high} good selfies are best: put your best ones in a folder of "
                                 "their own and add that folder.")),
    _p(QT_TRANSLATE_NOOP("core", "That is {count} photos: a session takes at most {maximum}. {low}-{high} good "
                                 "selfies are best: put your best ones in a folder of their own and add that "
                                 "folder.")),
    _p(QT_TRANSLATE_NOOP("core", "Ready: {count} good photos.")),
    # core/photo_status.py (before the set's own "Not ready yet: …", which quotes a finding)
    _p(QT_TRANSLATE_NOOP("core", "Not ready yet: add at least {minimum} photos of yourself.")),
    _p(QT_TRANSLATE_NOOP("core", "Checking photos… ({done} of {total} done)")),
    _p(QT_TRANSLATE_NOOP("core", "{usable} of {minimum} needed ({ideal} is ideal)"), numbers=("usable",)),
    _p(QT_TRANSLATE_NOOP("core", "{usable} usable photos ({minimum} needed, {ideal} is ideal)"), numbers=("usable",)),
    _p(QT_TRANSLATE_NOOP("core", "1 photo: {counts}"), counts="list"),
    _p(QT_TRANSLATE_NOOP("core", "{total} photos: {counts}"), numbers=("total",), counts="list"),
    # core/hardware.py
    _p(QT_TRANSLATE_NOOP("core", "no NVIDIA GPU found (processor: {name})")),
    _p(QT_TRANSLATE_NOOP("core", "{name}, {free} of {total} GB free")),
    _p(QT_TRANSLATE_NOOP("core", "No NVIDIA graphics card was found, and Headshot Studio needs one to learn a face and "
                                 "make headshots ({memory} GB of graphics memory or more). If this PC has one, install "
                                 "or update its NVIDIA driver and restart the app.")),
    _p(QT_TRANSLATE_NOOP("core", "Your graphics card has {free} GB of free memory, and {architecture} models need at "
                                 "least {need} GB on it. Close other programs that use the graphics card (games, "
                                 "browsers, video editors) and try again.")),
    _p(QT_TRANSLATE_NOOP("core", "Your graphics card has {free} GB of free memory, and {architecture} models need at "
                                 "least {need} GB on it. Close other programs that use the graphics card (games, "
                                 "browsers, video editors) and try again, or use a Stable Diffusion 1.5 model, which "
                                 "needs less.")),
    _p(QT_TRANSLATE_NOOP("core", "This computer has {free} GB of memory available, and a run of a {architecture} model "
                                 "on the processor needs about {need} GB. Close other programs and try again.")),
    _p(QT_TRANSLATE_NOOP("core", "This computer has {free} GB of memory available, and a run of a {architecture} model "
                                 "on the processor needs about {need} GB. Close other programs and try again, or use "
                                 "a Stable Diffusion 1.5 model, which needs less.")),
    # core/pipeline.py and the steps it runs: Start's reasons, then the run's progress
    _p(QT_TRANSLATE_NOOP("core", "The style “{style}” is chosen but no longer available. Untick it on the Styles "
                                 "page, or put its file back in your styles folder.")),
    _p(QT_TRANSLATE_NOOP("core", "The number of headshots of “{style}” must be between 1 and {maximum} (got {count}). "
                                 "Change it on the Styles page.")),
    _p(QT_TRANSLATE_NOOP("core", "There is not enough free disk space for this run: it needs about {needed}, and the "
                                 "disk holding your sessions has {free} free. Free up space (empty the recycle bin, "
                                 "delete sessions you no longer need or other large files), then try again.")),
    _p(QT_TRANSLATE_NOOP("core", "Settings for this computer: {plan}")),
    _p(QT_TRANSLATE_NOOP("core", "Learning the face: step {step} of {total}")),
    _p(QT_TRANSLATE_NOOP("core", "Finished {count} of {total} images")),
    _p(QT_TRANSLATE_NOOP("core", "Finished {name}")),
    _p(QT_TRANSLATE_NOOP("core", "Prepared {name}")),
    _p(QT_TRANSLATE_NOOP("core", "Loading {name}")),
    _p(QT_TRANSLATE_NOOP("core", "Loaded {name}")),
    # core/models.py: checking and importing a model
    _p(QT_TRANSLATE_NOOP("core", "Checking {name}")),
    _p(QT_TRANSLATE_NOOP("core", "{name} is intact")),
    _p(QT_TRANSLATE_NOOP("core", "Converting {name}")),
    _p(QT_TRANSLATE_NOOP("core", "Copying {name}")),
    # core/session.py
    _p(QT_TRANSLATE_NOOP("core", "That name is {length} characters long. Use at most {maximum}.")),
    _p(QT_TRANSLATE_NOOP("core", "There is no session “{name}”. See the sessions with `headshot-studio sessions`.")),
    _p(QT_TRANSLATE_NOOP("core", "The session “{name}” is being worked on by another run right now. Wait for it to "
                                 "finish (or stop it), then try again.")),
    _p(QT_TRANSLATE_NOOP("core", "Removed 1 session: {files} files ({size} MB), and {analyses} cached photo "
                                 "analyses.")),
    _p(QT_TRANSLATE_NOOP("core", "Removed {count} sessions: {files} files ({size} MB), and {analyses} cached photo "
                                 "analyses.")),
    _p(QT_TRANSLATE_NOOP("core", "Removed 1 session: {files} files ({size} MB), and {analyses} cached photo "
                                 "analyses. {originals} original photos stay where you keep them; they were never "
                                 "copied.")),
    _p(QT_TRANSLATE_NOOP("core", "Removed {count} sessions: {files} files ({size} MB), and {analyses} cached photo "
                                 "analyses. {originals} original photos stay where you keep them; they were never "
                                 "copied.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is not in this session.")),
    # core/export.py
    _p(QT_TRANSLATE_NOOP("core", "{size} px (longer side)")),
    _p(QT_TRANSLATE_NOOP("core", "Square {size}×{size} profile picture")),
    _p(QT_TRANSLATE_NOOP("core", "Exported 1 headshot to {path}.")),
    _p(QT_TRANSLATE_NOOP("core", "Exported {count} headshots to {path}.")),
    _p(QT_TRANSLATE_NOOP("core", "The disk holding “{path}” is full, so the export stopped. Free up space. The "
                                 "headshots are kept in the session: export them again from the Gallery page.")),
    _p(QT_TRANSLATE_NOOP("core", "Headshot Studio cannot write to “{path}” (it may be read-only, not yours, or its "
                                 "name too long). Choose another place. The headshots are kept in the session: export "
                                 "them again from the Gallery page.")),
    _p(QT_TRANSLATE_NOOP("core", "“{path}” is not a ZIP file name. Use a name ending in .zip.")),
    _p(QT_TRANSLATE_NOOP("core", "“{path}” is a folder. Choose a file name ending in .zip.")),
    _p(QT_TRANSLATE_NOOP("core", "“{path}” is a file, not a folder. Choose a folder to export to.")),
    # core/styles.py
    _p(QT_TRANSLATE_NOOP("core", "{name} (recommended)")),
    _p(QT_TRANSLATE_NOOP("core", "What to avoid is {length} characters long, more than the {maximum} allowed: the "
                                 "generator reads only about the first {words} words of a prompt. Keep the few things "
                                 "that matter most.")),
    # core/images.py: photos that cannot be used, and why
    _p(QT_TRANSLATE_NOOP("core", "The folder “{name}” cannot be opened. Check that you may read it.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” does not exist.")),
    _p(QT_TRANSLATE_NOOP("core", "No photos found in {names}. Add JPEG, PNG, WebP or HEIC selfies.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” has a name that is not valid text (it comes from an older camera or "
                                 "computer), so it cannot be kept in a session. Rename the photo and add it again.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” no longer exists. Add it again.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is not a name a file can have. Add the photo again.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” cannot be opened. Check that you may read it, then add it again.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is a link (shortcut) to a file that is no longer there. Add the photo "
                                 "itself.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is a link (shortcut) that leads round in a circle, not to a photo. Add the "
                                 "photo itself.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is a link (shortcut) to another file, which Headshot Studio does not "
                                 "follow. Add the photo itself.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is not a plain file (it is a pipe, a socket or a device). Add the photo "
                                 "itself.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is a folder, not a file. Add the photo itself.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is a folder, not a photo. Add the photos inside it.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is not a photo file (it is a device or a pipe). Choose a JPEG, PNG, WebP or "
                                 "HEIC photo.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is empty (0 bytes). Copy the photo again from your phone.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” cannot be opened: you do not have permission to read it. Copy the photo "
                                 "into a folder of your own (such as Pictures) and add the copy.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is an iPhone HEIC photo, and HEIC support is not installed. Reinstall "
                                 "Headshot Studio, or save the photo as JPEG.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is not a photo (it looks like {what}). Choose a JPEG, PNG, WebP or HEIC "
                                 "photo."), what="sentence"),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is not a photo Headshot Studio can read. Choose a JPEG, PNG, WebP or HEIC "
                                 "photo.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is damaged or incomplete (perhaps a copy that did not finish). Copy the "
                                 "photo again.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is far too large ({width}x{height} pixels). Use the photo as your camera "
                                 "or phone saved it, or save a smaller copy.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is {width}x{height} pixels: a long, thin strip, not a photo of a face. "
                                 "Choose a JPEG, PNG, WebP or HEIC photo.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is far too large a file for a photo ({size}). Choose a JPEG, PNG, WebP or "
                                 "HEIC photo.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” claims to be far too large an image and was not opened, to protect this "
                                 "computer.")),
    _p(QT_TRANSLATE_NOOP("core", "“{name}” is too large to open on this computer.")),
    # a photo's check as the run reports it: "IMG_0001.jpg: <its verdict's sentence>" (last:
    # it matches only when the part after ": " is a sentence known here)
    _p(QT_TRANSLATE_NOOP("core", "{file}: {message}"), message="sentence"),
)

# Items of a list core joins with ", " (photo_status.count_summary) and parts of the
# gallery's score line ("Likeness 93% · Sharpness 80%", gallery.scores_text): only ever
# translated as such parts, never as a whole message.
ITEMS = (
    _p(QT_TRANSLATE_NOOP("core", "{count} good"), numbers=("count",)),
    _p(QT_TRANSLATE_NOOP("core", "{count} usable"), numbers=("count",)),
    _p(QT_TRANSLATE_NOOP("core", "{count} not used"), numbers=("count",)),
    _p(QT_TRANSLATE_NOOP("core", "{count} being checked"), numbers=("count",)),
    _p(QT_TRANSLATE_NOOP("core", "{score} {percent}%"), numbers=("percent",), score="sentence"),
)

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_NUMBER = r"-?\d[\d,.]*"
_REGEXES: dict[tuple[str, tuple[str, ...]], re.Pattern] = {}


def _regex(template: str, numbers: tuple[str, ...] = ()) -> re.Pattern:
    """The template's literal text, with each ``{name}`` a group that takes any text, or
    a number for the ``numbers`` (a name repeated must repeat the same text). Made once
    per template, when first needed."""
    compiled = _REGEXES.get((template, numbers))
    if compiled is None:
        parts, seen, end = [], set(), 0
        for match in _PLACEHOLDER.finditer(template):
            name = match.group(1)
            parts.append(re.escape(template[end:match.start()]))
            value = _NUMBER if name in numbers else ".+?"
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{value})")
            seen.add(name)
            end = match.end()
        parts.append(re.escape(template[end:]))
        compiled = _REGEXES[(template, numbers)] = re.compile("".join(parts), re.DOTALL)
    return compiled


def _translate(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def _filled(pattern: Pattern, text: str) -> str | None:
    """``text`` in the user's language when it is ``pattern``'s sentence, else None."""
    match = pattern.regex.fullmatch(text)
    if match is None:
        return None
    values = match.groupdict()
    for name, kind in pattern.nested:
        value = values[name]
        if kind == "list":
            items = [_item(item) for item in value.split(", ")]
            translated = None if None in items else ", ".join(items)
        elif kind == "lowered":  # core wrote the finding's first letter small after its "Ready, but"
            sentence = value[:1].upper() + value[1:]
            translated = _known(sentence)
            if translated == sentence:  # not translated: as core wrote it
                translated = value
        else:
            translated = _known(value)
        if translated is None:
            return None
        values[name] = translated
    return _translate(pattern.template).format(**values)


def _item(text: str) -> str | None:
    for pattern in ITEMS:
        translated = _filled(pattern, text)
        if translated is not None:
            return translated
    return None


def _known(message: str) -> str | None:
    """``message`` in the user's language, or None when it is not core text known here."""
    if message in _SENTENCE_SET:
        return _translate(message)
    for pattern in PATTERNS:
        translated = _filled(pattern, message)
        if translated is not None:
            return translated
    if " · " in message:  # the gallery's score line
        parts = [_item(part) for part in message.split(" · ")]
        if None not in parts:
            return " · ".join(parts)
    return None


# Core's longest real sentences (with a file name or path in them) stay well under this;
# longer text is left as it is rather than matched against the patterns (whose cost
# grows quickly with the length of crafted input).
MAX_TRANSLATED_CHARS = 600


def core_text(message: str) -> str:
    """A sentence from ``core`` (or another Qt-free module) as the user should read it:
    translated when it is one this module knows, else unchanged."""
    if not message or len(message) > MAX_TRANSLATED_CHARS:
        return message  # a sentence this long holds crafted names or paths: shown as it is, at once
    try:
        translated = _known(message)
    except RecursionError:  # a message nesting "file: message" hundreds of times
        return message
    return message if translated is None else translated


def is_known(message: str) -> bool:
    """Whether :func:`core_text` has a translation for ``message`` (for tests and tools)."""
    return _known(message) is not None
