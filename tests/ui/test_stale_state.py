

def test_selected_objects_path_is_highlighted_in_the_image_view(qtbot, window):
    """Issue 15 item 13: the selected object's path is wider, brighter and on top."""
    doc, view = window.doc, window.view
    cup, spoon = doc.scene.objects
    doc.select(spoon.uid)
    sel, other = view.overlay(spoon.uid), view.overlay(cup.uid)
    assert sel.line.opts["pen"].widthF() == 3.5 and other.line.opts["pen"].widthF() == 1.5
    assert sel.line.zValue() > other.line.zValue() and sel.keys.zValue() > other.keys.zValue()
    doc.select(cup.uid)
    assert sel.line.opts["pen"].widthF() == 1.5 and other.line.opts["pen"].widthF() == 3.5
