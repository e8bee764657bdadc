"""The Create page's plain sentence: the card as people name it, its memory, about how
long the run takes (more work or a slower card: longer), and the technical plan only
behind "Details"."""

from __future__ import annotations

from dataclasses import replace

import pytest

from headshot_studio.core import models
from headshot_studio.core.hardware import DeviceInfo, plan_run
from headshot_studio.core.pipeline import RunRequest
from headshot_studio.ui.plan_words import card_name, card_speed, estimate_seconds, plan_numbers


def test_cards_are_named_as_people_say_them():
    assert card_name("NVIDIA GeForce RTX 3060") == "RTX 3060"
    assert card_name("NVIDIA H200") == "H200"
    assert card_name("Quadro RTX 4000") == "Quadro RTX 4000"


def test_faster_cards_and_less_work_take_less_time():
    assert card_speed("NVIDIA GeForce RTX 4090", (8, 9)) > card_speed("NVIDIA GeForce RTX 3060", (8, 6)) == 1.0
    assert card_speed("Some Future Card", (8, 9)) == 2.0  # by compute capability when the name is unknown
    assert card_speed("NVIDIA RTX A1000 Laptop GPU", (8, 6)) == 1.2  # not an A100
    assert card_speed("NVIDIA A100-SXM4-80GB", (8, 0)) == 3.5
    work = dict(architecture="sd15", resolution=512, train_steps=800, images=24, denoise_steps=30)
    on_3060 = estimate_seconds(**work, speed=1.0)
    assert 6 * 60 < on_3060 < 15 * 60  # what the field reports for an SD1.5 LoRA + 24 images on a 3060
    assert estimate_seconds(**work, speed=3.6) < on_3060
    assert estimate_seconds(**(work | {"images": 48}), speed=1.0) > on_3060
    assert estimate_seconds(**(work | {"architecture": "sdxl", "resolution": 1024}), speed=1.0) > 3 * on_3060


def test_the_page_says_the_card_and_minutes_and_hides_the_plan_behind_details(qtbot, controller, monkeypatch,
                                                                             tiny_sd15):
    from headshot_studio.ui.pages.create import CreatePage

    page = CreatePage(controller)
    qtbot.addWidget(page)
    rtx = DeviceInfo(kind="cuda", name="NVIDIA GeForce RTX 3060", total_vram_gb=12.0, free_vram_gb=11.2,
                     compute_capability=(8, 6))
    model = models.import_model(tiny_sd15, name="Tiny")
    # the plan an SD1.5-class model gets on this card, as if the tiny model were full size
    plan = replace(plan_run(model, rtx), resolution=512, architecture="sd15")
    request = RunRequest(model=model, plan=plan, styles=("corporate-executive", "tech-casual"), counts=(12, 12))
    numbers = plan_numbers(request, rtx, photos=10, denoise_steps=30)
    assert numbers.images == 24 and numbers.card == "RTX 3060" and numbers.memory_gb == 12
    monkeypatch.setattr(controller, "can_start", lambda: (True, "Ready to create your headshots."))
    monkeypatch.setattr(controller, "plan_numbers", lambda: (numbers, request))
    controller.device = rtx
    page.show()
    page.refresh()
    sentence = page.reason_label.text()
    assert sentence.startswith("Your RTX 3060 (12 GB): about ") and sentence.endswith(" minutes for 24 headshots.")
    minutes = int(sentence.split("about ")[1].split(" ")[0])
    assert 5 <= minutes <= 20
    assert "fp16" not in sentence and "attention" not in page.plan_hint.text()
    assert not page.plan_details.isVisible() and "attention" in page.plan_details.text()
    page.details_button.click()
    assert page.plan_details.isVisible() and page.log_card.isVisible()


@pytest.mark.parametrize("eta, elapsed, words", [
    (None, 0, "working out the time left…"),
    (30, 100, "less than a minute left"),
    (6 * 60, 3 * 60, "about 6 of 9 minutes left"),
    (75, 10, "about a minute left"),
])
def test_the_time_left_in_words(eta, elapsed, words):
    from headshot_studio.ui.pages.create import minutes_left

    assert minutes_left(elapsed, eta) == words

