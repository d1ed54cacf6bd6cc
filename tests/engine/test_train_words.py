"""The Train page's words built from names (coach kinds, statuses, metrics, run messages)
exist in both catalogs, and the engine's sentences read in Spanish with Spanish numbers."""

import pytest

from tflab import coach, remedies
from tflab.coach import diagnose
from tflab.progress import MESSAGE_KEYS, Progress, run_message, short_status, status_word
from tflab.recipes import get_recipe
from tflab.store import STATUSES
from tflab.words import LANGUAGES, Words
from components.curves import NAMED_METRICS, metric_label


def dynamic_keys() -> list[str]:
    return ([f"coach.title.{kind}" for kind in coach.KINDS]
            + [f"coach.why.{key}" for key in coach.WHY_KEYS]
            + [f"coach.variant.{name}" for name in remedies.VARIANTS]
            + [f"coach.metric.{name}" for name in ("loss", "val_loss")]
            + [f"progress.status.{status}" for status in STATUSES]
            + list(MESSAGE_KEYS)
            + [f"progress.message.{name}" for name in ("loss", "val_loss")]
            + [f"charts.metric.{metric}" for metric in NAMED_METRICS])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_built_from_a_name_is_in_the_catalog(language):
    words = Words.load(language)
    assert [key for key in dynamic_keys() if not words.has(key)] == []


def test_a_finding_reads_in_spanish_with_its_numbers_written_the_spanish_way():
    history = {"loss": [(e, 0.6 - 0.05 * e) for e in range(1, 11)],
               "val_loss": list(enumerate([0.6, 0.5, 0.45, 0.44, 0.46, 0.5, 0.55, 0.6, 0.66,
                                           0.7], start=1))}
    [finding] = diagnose(history, get_recipe("binary_points").spec)
    es = Words.load("es")
    assert finding.title_in(es) == "Sobreajuste"
    assert finding.why_in(es).startswith("La pérdida de validación fue mínima en la época 4 "
                                         "(0,44), se quedó más de un 10\u00a0% por encima")
    assert finding.variant.label_in(es) == "Parar antes, en la mejor época"


def test_a_diverged_finding_names_the_loss_and_rate_in_spanish():
    spec = get_recipe("linear").spec.with_setting("compile.learning_rate", 0.5)
    [finding] = diagnose({"loss": [(1, 1.0), (2, float("inf"))]}, spec)
    assert finding.why_in(Words.load("es")) == (
        "La pérdida se volvió inf en la época 2: con una tasa de aprendizaje de 0,5, las "
        "actualizaciones hicieron estallar los pesos.")
    [unknown] = diagnose({"loss": [(1, 1.0), (2, float("nan"))]})
    assert "tasa de aprendizaje de (desconocida)" in unknown.why_in(Words.load("es"))


def test_progress_and_states_read_in_spanish():
    es = Words.load("es")
    line = Progress(epoch=80, total=300, elapsed=12.34, seconds_left=200.0).text()
    assert es.say(line) == "Época 80 de 300 · 12,3 s · quedan unos 3 min"
    assert es.say(Progress(epoch=4, total=None, elapsed=1.0).text()) == "Época 4 · 1,0 s"
    assert es.say(status_word("interrupted")) == "interrumpida"
    from types import SimpleNamespace
    running = SimpleNamespace(status="running", epochs=None, epochs_done=7)
    assert es.say(short_status(running, None, 1)) == "época 7"


@pytest.mark.parametrize("message", [
    "Stopped early after epoch 12: val_loss did not improve for 3 epochs; the best weights "
     "were kept.",
    "Stopped before it started: the app shut down.",
    "Stopped before it started.",
    "The worker crashed; see the server log.",
    "The app stopped before this run started.",
    "The process running this run ended before it finished (epoch 3 of 50).",
    "The process running this run ended before it finished (epoch 3).",
    "The loss became inf at epoch 2: the weights blew up. Lower the learning rate, or scale "
    "the inputs.",
])
def test_each_message_the_app_writes_is_a_phrase_that_reads_back_the_same(message):
    [said] = run_message(message)
    assert said.key in MESSAGE_KEYS and str(said) == message
    assert "⟦" not in Words.load("es").say(said)


def test_a_hint_after_a_known_message_is_kept_as_written():
    hint = "Validation accuracy ended at 50%, near chance: the model learned little."
    said, rest = run_message(f"Stopped early after epoch 9: val_loss did not improve for 3 "
                             f"epochs; the best weights were kept. {hint}")
    assert Words.load("es").say(said).startswith("Parada temprana tras la época 9") and \
        rest == hint


def test_a_metric_without_a_name_shows_as_logged():
    assert metric_label("loss", Words.load("es")) == "pérdida"
    assert metric_label("val_top_5", Words.load("es")) == "val_top_5"
