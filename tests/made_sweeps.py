"""Sweeps as the store keeps them, made without training: engine, component and page tests."""

from __future__ import annotations

from tflab.recipes import get_recipe
from tflab.sweep import SweepSpec, parse_vary

# The multi-class recipe with its learning rate in log scale and its hidden layer's
# activation varied: 4 variants, (0.001, relu), (0.001, tanh), (0.1, relu), (0.1, tanh).
VARY = ("compile.learning_rate=log:1e-3..1e-1:2", "model.layers[1].activation=relu,tanh")


def digits_sweep(vary=VARY, epochs: int = 3) -> SweepSpec:
    base = get_recipe("multiclass").spec.with_setting("fit.epochs", epochs)
    return SweepSpec(base, tuple(parse_vary(text) for text in vary))


def made_sweep(store, outcomes, sweep: SweepSpec | None = None) -> tuple[str, list[str]]:
    """A sweep whose variants ended as `outcomes` say, one per variant in order: None for
    one still queued, "running" for one training (an epoch written), or (status,
    {metric: final value}) for one that ended, its epochs written up to those values.
    Returns the sweep's id and its variants' run ids."""
    sweep = sweep or digits_sweep()
    variants = sweep.variants()
    assert len(outcomes) == len(variants)
    sweep_id = store.create_sweep(sweep.to_dict(), sweep.settings)
    run_ids = []
    for variant, outcome in zip(variants, outcomes):
        run_id = store.create_run(variant.recipe, variant.to_dict(), variant.fit.epochs,
                                  sweep=sweep_id)
        run_ids.append(run_id)
        if outcome is None:
            continue
        store.mark_running(run_id)
        if outcome == "running":
            store.add_epochs(run_id, [(1, {"loss": 1.0, "val_loss": 1.1})])
            continue
        status, final = outcome
        epochs = variant.fit.epochs
        # Each metric walks to its final value, so curves have a shape and end where said.
        store.add_epochs(run_id, [(epoch, {name: value * (1.2 if "loss" in name else 0.8)
                                           ** (epochs - epoch) for name, value in final.items()})
                                  for epoch in range(1, epochs + 1)])
        store.finish(run_id, status, final_metrics=final)
    return sweep_id, run_ids


def final(accuracy: float, loss: float) -> dict:
    """The final metrics of a digits variant: training and validation loss and accuracy."""
    return {"loss": loss * 0.9, "accuracy": min(1.0, accuracy + 0.02), "val_loss": loss,
            "val_accuracy": accuracy}
