//! The host's own addresses, as a container's network shows them.

use std::net::Ipv4Addr;

/// The first IPv4 address of an interface that is up and not loopback.
pub fn first_outward_address() -> Option<Ipv4Addr> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list`, freed below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return None;
    }
    let mut found = None;
    let mut entry = list;
    while !entry.is_null() && found.is_none() {
        // SAFETY: a node of the list getifaddrs returned, still allocated.
        let ifa = unsafe { &*entry };
        let up = ifa.ifa_flags & (libc::IFF_UP as u32) != 0;
        let loopback = ifa.ifa_flags & (libc::IFF_LOOPBACK as u32) != 0;
        // SAFETY: ifa_addr, when set, points at a sockaddr whose family
        // says its type; AF_INET is a sockaddr_in.
        let address = unsafe { ifa.ifa_addr.as_ref() }
            .filter(|a| i32::from(a.sa_family) == libc::AF_INET)
            .map(|a| unsafe { &*(a as *const libc::sockaddr as *const libc::sockaddr_in) })
            .map(|a| Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)));
        if up && !loopback {
            found = address;
        }
        entry = ifa.ifa_next;
    }
    // SAFETY: the list getifaddrs returned, freed once.
    unsafe { libc::freeifaddrs(list) };
    found
}

/// The gateway of the host's default IPv4 route (`/proc/net/route`).
pub fn default_gateway() -> Option<Ipv4Addr> {
    let routes = std::fs::read_to_string("/proc/net/route").ok()?;
    routes.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // Iface Destination Gateway …: each address is its bytes in
        // network order, printed as a native-endian number in hex.
        if fields.get(1) != Some(&"00000000") {
            return None;
        }
        let gateway = u32::from_str_radix(fields.get(2)?, 16).ok()?;
        Some(Ipv4Addr::from(gateway.to_ne_bytes()))
    })
}
