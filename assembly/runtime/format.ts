// Decimal text for numbers in log lines. AssemblyScript's toString() supports every radix and
// brings a lookup table and error strings with it; log lines need only decimal.

export function formatU32(value: u32): string {
  let digits = 1;
  for (let rest = value; rest >= 10; rest /= 10) digits++;
  const text = changetype<string>(__new(<usize>digits << 1, idof<string>()));
  let at = changetype<usize>(text) + (<usize>digits << 1);
  do {
    at -= 2;
    store<u16>(at, <u16>(0x30 + value % 10));
    value /= 10;
  } while (value != 0);
  return text;
}
