"""Training the same experiment with and without augmentation, compared side by side."""

import pytest

from apptest_support import no_exception, open_page, texts, wait_for
from components.compare import final_gap, without_augmentation
from components.urlspec import encode
from tflab.recipes import get_recipe

AUGMENTED = (get_recipe("binary_images").spec.with_setting("augmentation.rotation_range", 15.0)
             .with_setting("augmentation.horizontal_flip", True).with_setting("fit.epochs", 2))


def test_without_augmentation_keeps_the_rescaling_and_nothing_random():
    plain = without_augmentation(get_recipe("cnn").spec)
    assert plain.augmentation.rescale == pytest.approx(1 / 255)
    assert not plain.augmentation.random
    assert plain.model == get_recipe("cnn").spec.model and plain.seed == get_recipe("cnn").spec.seed


def test_the_gap_is_training_minus_validation_at_the_last_shared_epoch():
    history = {"loss": [(1, 0.5), (2, 0.2), (3, 0.1)], "val_loss": [(1, 0.6), (2, 0.4)]}
    assert final_gap(history, "loss") == pytest.approx(-0.2)
    assert final_gap({"loss": [(1, 0.5)]}, "loss") is None


def test_the_button_is_offered_only_with_random_augmentation():
    at = no_exception(open_page("app_pages/build.py", recipe="linear"))
    assert not [b for b in at.button if b.key == "build.compare"]
    at = no_exception(open_page("app_pages/build.py", spec=encode(AUGMENTED)))
    assert at.button(key="build.compare")


def test_one_click_trains_both_and_the_runs_page_shows_their_gaps(lab):
    at = no_exception(open_page("app_pages/build.py", spec=encode(AUGMENTED)))
    no_exception(at.button(key="build.compare").click().run())
    runs = lab.list_runs()
    assert len(runs) == 2
    for run in runs:
        assert wait_for(lab, run.id).status == "completed"
    augmented = [r for r in runs if r.spec["augmentation"]["horizontal_flip"]]
    plain = [r for r in runs if not r.spec["augmentation"]["horizontal_flip"]]
    assert len(augmented) == len(plain) == 1
    assert plain[0].spec["augmentation"]["rescale"] == pytest.approx(1 / 255)

    page = no_exception(open_page("app_pages/runs.py", compare=f"{augmented[0].id},{plain[0].id}"))
    assert "With and without augmentation" in texts(page.subheader)
    labels = [m.label for m in page.metric]
    assert labels.count("Training − validation accuracy") == 2
    headings = [m.value for m in page.markdown if "augmentation**" in m.value]
    assert headings[0].startswith("**With augmentation**")
    assert headings[1].startswith("**Without augmentation**")
