def test_depth_slider_is_logarithmic_and_round_trips():
    from levitor_studio.model.depth_units import Z_MIN
    from levitor_studio.ui.inspector import SLIDER_STEPS, depth_to_slider, slider_to_depth

    assert slider_to_depth(1) == Z_MIN and slider_to_depth(SLIDER_STEPS) == 1.0
    assert all(depth_to_slider(slider_to_depth(v)) == v for v in range(1, SLIDER_STEPS + 1))
    # a typical photo's near depths (0.004–0.02) use a quarter of the slider, not 2 %
    assert depth_to_slider(0.02) - depth_to_slider(0.004) > SLIDER_STEPS // 4
