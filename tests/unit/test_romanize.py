from nlu_components.romanize import has_devanagari, romanize


def test_hindi_reads_as_people_write_it_in_latin_letters():
    assert romanize("पैसे कट गए") == "paise kat gae"
    assert romanize("करना") == "karna"
    assert romanize("पेंडिंग ट्रांजैक्शन") == "pending tranjaikshan"
    assert romanize("समझ नहीं आया") == "samajh nahin aya"


def test_nukta_spellings_meet():
    assert romanize("ज़्यादा") == romanize("ज्यादा") == "jyada"


def test_digits_and_latin_are_kept():
    assert romanize("१२३ रुपये, card 1005") == "123 rupye, card 1005"
    assert not has_devanagari("card 1005") and has_devanagari("card १००५")
