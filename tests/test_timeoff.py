"""roadmap.timeoff: inclusive ranges of days off."""

from datetime import date

import pytest

from roadmap.timeoff import TimeOffError, add_time_off, list_time_off, remove_time_off


def test_add_list_remove(ws):
    with ws.write() as s:
        b = add_time_off(s, date(2027, 3, 1), date(2027, 3, 5), "trip")
        a = add_time_off(s, date(2027, 1, 1), date(2027, 1, 1))
        ids = (a.id, b.id)
    with ws.read() as s:
        assert [(t.first_day, t.note) for t in list_time_off(s)] == [(date(2027, 1, 1), ""), (date(2027, 3, 1), "trip")]
    with ws.write() as s:
        remove_time_off(s, ids[0])
    with ws.read() as s:
        assert [t.id for t in list_time_off(s)] == [ids[1]]


@pytest.mark.parametrize("first, last, words", [((2027, 3, 5), (2027, 3, 1), "before it starts"),
                                                ((2027, 1, 1), (2028, 6, 1), "longer than a year")])
def test_bad_ranges(ws, first, last, words):
    with pytest.raises(TimeOffError, match=words):
        with ws.write() as s:
            add_time_off(s, date(*first), date(*last))


def test_duplicates_and_unknown_ids_are_refused(ws):
    with ws.write() as s:
        add_time_off(s, date(2027, 1, 1), date(2027, 1, 2))
    with pytest.raises(TimeOffError, match="already there"):
        with ws.write() as s:
            add_time_off(s, date(2027, 1, 1), date(2027, 1, 2))
    with pytest.raises(TimeOffError, match="no time off with id 99"):
        with ws.write() as s:
            remove_time_off(s, 99)
