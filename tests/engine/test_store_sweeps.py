"""The store's sweeps: a list of them says each one's size without reading its variants."""

from tflab.store import RunStore


def test_each_sweep_is_sized_by_its_own_variants_and_an_empty_one_is_zero(tmp_path):
    with RunStore(tmp_path) as store:
        three, empty = (store.create_sweep({"base": {"recipe": "linear"}, "vary": []},
                                           ["fit.epochs"]) for _ in range(2))
        for _ in range(3):
            store.create_run("linear", {}, 5, sweep=three)
        store.create_run("linear", {}, 5)  # a run of no sweep counts for none
        assert store.sweep_sizes([three, empty]) == {three: 3, empty: 0}
        assert store.sweep_sizes([]) == {}
        assert store.get_sweep(three).recipe == "linear"
