from actions.formatting import grouped
from actions.rewards_tasks import currency_of, option_price

RUPEE_OPTION = {"name": "Travel", "points_needed": 180000, "value": "5000.00", "currency": "INR"}
DOLLAR_OPTION = {"name": "Travel", "points_needed": 180000, "value": "500.00", "currency": "USD"}


def test_points_are_grouped_as_the_cards_currency_groups():
    assert grouped(123456, "INR") == "1,23,456"
    assert grouped(123456, "USD") == "123,456"
    assert grouped(999, "INR") == "999"


def test_a_rupee_cards_reward_prices_read_the_indian_way():
    assert currency_of([RUPEE_OPTION]) == "INR" and currency_of([]) == "USD"
    assert option_price(RUPEE_OPTION) == "1,80,000 points = ₹5,000.00"
    assert option_price(DOLLAR_OPTION, "hi") == "180,000 पॉइंट्स = $500.00"
