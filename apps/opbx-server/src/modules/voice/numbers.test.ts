import { describe, expect, it } from 'vitest';

import { isExtensionNumber, toE164, userPart } from './numbers.js';

describe('userPart', () => {
  it.each([
    ['101', '101'],
    [' 101 ', '101'],
    ['sip:101@acme.cloudonix.net', '101'],
    ['SIP:101@acme.cloudonix.net', '101'],
    ['sips:101@acme.cloudonix.net:5061;transport=tls', '101'],
    ['+1 (212) 555-0100', '+12125550100'],
    ['1.212.555.0100', '12125550100'],
    ['0101', '0101'],
  ])('%j → %j', (raw, expected) => {
    expect(userPart(raw)).toBe(expected);
  });
});

describe('toE164', () => {
  it.each([
    ['+12125550100', '+12125550100'],
    ['12125550100', '+12125550100'],
    ['sip:+442079460000@acme.cloudonix.net', '+442079460000'],
    ['+44 20 7946 0000', '+442079460000'],
    ['+12345678', '+12345678'],
    ['+123456789012345', '+123456789012345'],
  ])('%j → %j', (raw, expected) => {
    expect(toE164(raw)).toBe(expected);
  });

  it.each(['', '101', '+1234567', '+1234567890123456', '+0123456789', '00442079460000', 'anonymous', '+1212555010a', '++12125550100', 'tel'])(
    '%j is not an E.164 number',
    (raw) => {
      expect(toE164(raw)).toBeUndefined();
    },
  );
});

describe('isExtensionNumber', () => {
  it.each(['10', '101', '0101', '12345678'])('%j is an extension number', (s) => expect(isExtensionNumber(s)).toBe(true));
  it.each(['', '1', '123456789', '+101', '10a', ' 101'])('%j is not', (s) => expect(isExtensionNumber(s)).toBe(false));
});
