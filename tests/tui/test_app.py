"""The app as a whole: keys every screen shares."""

from __future__ import annotations


async def test_ctrl_c_says_in_plain_text_which_key_quits(make_app):
    """Ctrl+C does not quit; the note names the key without markup showing through."""
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        texts = [str(n.message) for n in app._notifications]
        assert any(t == "Press q to quit the app" for t in texts), texts
