import { classifyAddress, inCidr, isAddressAllowed } from './ssrf';

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['169.254.10.20', 'link_local'],
    ['169.254.169.254', 'metadata'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
  ])('classifies IPv4 %s as %s', (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected);
  });

  it.each([
    ['2606:4700:4700::1111', 'public'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['fd00:ec2::254', 'metadata'],
    ['ff02::1', 'reserved'],
  ])('classifies IPv6 %s as %s', (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::FFFF:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:7f00:1::1', 'loopback'],
  ])('classifies IPv6 %s carrying an IPv4 address by that address (%s)', (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected);
  });

  it('rejects things that are not IP addresses', () => {
    expect(() => classifyAddress('localhost')).toThrow(TypeError);
    expect(() => classifyAddress('127.1')).toThrow(TypeError);
  });
});

describe('isAddressAllowed', () => {
  it('allows only public addresses by default', () => {
    expect(isAddressAllowed('8.8.8.8')).toBe(true);
    for (const ip of [
      '127.0.0.1',
      '::1',
      '10.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::ffff:127.0.0.1',
    ]) {
      expect(isAddressAllowed(ip)).toBe(false);
    }
  });

  it('lets loopback (and only loopback) through with allowLoopback', () => {
    const policy = { allowLoopback: true };
    expect(isAddressAllowed('127.0.0.1', policy)).toBe(true);
    expect(isAddressAllowed('::1', policy)).toBe(true);
    expect(isAddressAllowed('::ffff:127.0.0.1', policy)).toBe(true);
    expect(isAddressAllowed('10.0.0.1', policy)).toBe(false);
    expect(isAddressAllowed('169.254.169.254', policy)).toBe(false);
  });

  it('lets every address through with allowPrivateNetworks', () => {
    const policy = { allowPrivateNetworks: true };
    for (const ip of ['127.0.0.1', '10.0.0.1', '192.168.0.1', 'fd00:ec2::254', '100.64.0.1']) {
      expect(isAddressAllowed(ip, policy)).toBe(true);
    }
  });
});

describe('allowAddresses', () => {
  it('lets listed addresses and CIDR ranges through, and nothing else', () => {
    const policy = { allowAddresses: ['10.0.5.0/24', '127.0.0.1', 'fd12::/16'] };
    expect(isAddressAllowed('10.0.5.77', policy)).toBe(true);
    expect(isAddressAllowed('::ffff:10.0.5.77', policy)).toBe(true);
    expect(isAddressAllowed('10.0.6.1', policy)).toBe(false);
    expect(isAddressAllowed('127.0.0.1', policy)).toBe(true);
    expect(isAddressAllowed('127.0.0.2', policy)).toBe(false);
    expect(isAddressAllowed('fd12:abcd::1', policy)).toBe(true);
    expect(isAddressAllowed('169.254.169.254', policy)).toBe(false);
  });

  it('rejects a malformed range', () => {
    expect(() => inCidr('10.0.0.1', '10.0.0.0/33')).toThrow('invalid CIDR "10.0.0.0/33"');
    expect(() => inCidr('10.0.0.1', 'intranet')).toThrow(TypeError);
  });
});
