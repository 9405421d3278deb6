// What the widget shows and keeps in the browser of what the customer typed: a one-time code
// and a card number never stay on screen or in localStorage (the server redacts its own copy).

// Six digits in any script, however they are spaced ("123 456", "12-34-56", "१२३४५६").
const CODE_ONLY = /^\s*(?:\p{Nd}[ .-]?){5}\p{Nd}\s*$/u;
const CARD_LIKE = /\b\d(?:[ -]?\d){12,18}\b/g;

function luhnValid(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The customer's message as the widget displays and stores it. */
export function maskForDisplay(text) {
  if (CODE_ONLY.test(text)) return "••••••";
  return text.replace(CARD_LIKE, (run) => {
    const digits = run.replace(/\D/g, "");
    return luhnValid(digits) ? `•••• ${digits.slice(-4)}` : run;
  });
}
