/** Customers' phone numbers as the OMS shows and searches them: masked for people, keyed by their last 11 digits. */

/** The last 11 digits of a mainland number however it was typed (`+86 139-1234-5678` → `13912345678`); null when too short. */
export function phoneKey(text: string): string | null {
  const digits = text.replace(/\D/g, '');
  return digits.length >= 11 ? digits.slice(-11) : null;
}

/** `13812348000` → `138****8000` (the first 3 and last 4 digits); anything shorter than 7 digits keeps only its last 2. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const digits = phone.replace(/\D/g, '');
  // +86 in front of a mobile number is dropped; a landline keeps its area code (0571-88886666 → 057****6666).
  const key = /^861\d{10}$/.test(digits) ? digits.slice(2) : digits;
  if (key.length >= 7) return `${key.slice(0, 3)}****${key.slice(-4)}`;
  return `****${key.slice(-2)}`;
}
