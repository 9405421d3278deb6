"""The lines channels write themselves come in the language of the customer's message."""

from channels.guard import SLOW_DOWN
from channels.socketio import LEAVE_QUEUE, handoff_notice
from localization import texts


def test_every_channel_line_has_english_and_hindi_with_the_same_placeholders():
    for lines in (texts.SLOW_DOWN, texts.LEFT_QUEUE, texts.HANDOFF_WAITING, texts.HANDOFF_MESSAGE_LEFT):
        english, hindi = lines["en"], lines["hi"]
        assert english != hindi
        assert sorted(part.split("}")[0] for part in english.split("{")[1:]) == sorted(
            part.split("}")[0] for part in hindi.split("{")[1:]
        )


def test_slow_down_and_queue_notices_follow_the_message_language():
    assert texts.for_message(texts.SLOW_DOWN, "what is my balance") == SLOW_DOWN
    assert texts.for_message(texts.SLOW_DOWN, "मेरा बैलेंस बताओ").startswith("आप इतनी तेज़ी")
    waiting = {"status": "waiting", "position": 2, "estimated_wait_minutes": 6}
    assert "number 2 in the queue (about 6 minutes)" in handoff_notice(waiting, "hello?")
    hindi = handoff_notice(waiting, "कोई है?")
    assert "कतार में आपका नंबर 2" in hindi and "6 मिनट" in hindi and "कैंसल" in hindi
    left = handoff_notice({"status": "message_left", "reference": "CASE-7"}, "ठीक है")
    assert "CASE-7" in left and left.startswith("धन्यवाद")
    assert handoff_notice({"status": "with_agent"}, "hi") == ""


def test_the_hindi_word_the_notice_offers_leaves_the_queue():
    assert "कैंसल" in LEAVE_QUEUE and "cancel" in LEAVE_QUEUE
