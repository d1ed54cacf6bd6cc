"""Build with a pretrained base: the cut layer is picked from the network's layers."""

from apptest_support import no_exception, open_page


def test_the_cut_layer_is_picked_from_the_bases_layers_with_their_shapes():
    at = no_exception(open_page("app_pages/build.py", recipe="transfer"))
    [cut] = [s for s in at.selectbox if s.label == "Cut layer"]
    assert cut.value == "mixed7"
    assert "mixed7 → 7x7x768" in cut.options
    assert "mixed10 → 3x3x2048" in cut.options
    cut.set_value("mixed6").run()
    no_exception(at)
    from components.urlspec import decode

    assert decode(at.query_params["spec"][0] if isinstance(at.query_params["spec"], list)
                  else at.query_params["spec"]).model.base.cut_layer == "mixed6"
    summary = [c.value for c in at.caption if "trainable parameters" in c.value]
    assert summary and "frozen" in summary[0] and not summary[0].endswith(" 0 frozen")


def test_switching_the_base_offers_its_own_layers():
    at = no_exception(open_page("app_pages/build.py", recipe="transfer"))
    [name] = [s for s in at.selectbox if s.label == "Base network"]
    name.set_value("MobileNetV2").run()
    no_exception(at)
    [cut] = [s for s in at.selectbox if s.label == "Cut layer"]
    assert cut.value == "block_13_expand_relu"
    assert any(option.startswith("out_relu → ") for option in cut.options)
