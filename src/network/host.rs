//! The host's own addresses, as a container's network shows them: the
//! address of the interface that holds the default route (the one pasta
//! copies, and where slirp4netns's containers reach the host), and that
//! route's gateway.

use std::ffi::CStr;
use std::net::Ipv4Addr;

/// The host's default IPv4 route (`/proc/net/route`).
struct DefaultRoute {
    interface: String,
    gateway: Ipv4Addr,
}

/// The first route to 0.0.0.0/0 through a gateway.
fn default_route() -> Option<DefaultRoute> {
    let routes = std::fs::read_to_string("/proc/net/route").ok()?;
    routes.lines().skip(1).find_map(|line| {
        // Iface Destination Gateway Flags RefCnt Use Metric Mask …; each
        // address is its bytes in network order, printed as a native-endian
        // number in hex.
        let fields: Vec<&str> = line.split_whitespace().collect();
        let hex = |i: usize| u32::from_str_radix(fields.get(i)?, 16).ok();
        let through_gateway = hex(3)? & (libc::RTF_GATEWAY as u32) != 0;
        let gateway = hex(2)?;
        let default = hex(1)? == 0 && hex(7)? == 0;
        (default && through_gateway && gateway != 0).then(|| DefaultRoute {
            interface: fields[0].to_string(),
            gateway: Ipv4Addr::from(gateway.to_ne_bytes()),
        })
    })
}

/// The gateway of the host's default route.
pub fn default_gateway() -> Option<Ipv4Addr> {
    default_route().map(|route| route.gateway)
}

/// The IPv4 address of the default route's interface; without a default
/// route, of the first interface that is up and not loopback.
pub fn outward_address() -> Option<Ipv4Addr> {
    let addresses = interface_addresses();
    let on_default_route = default_route()
        .and_then(|route| addresses.iter().find(|(name, _)| *name == route.interface));
    on_default_route
        .or(addresses.first())
        .map(|(_, address)| *address)
}

/// The IPv4 addresses of the interfaces that are up and not loopback,
/// with their names, in the kernel's order.
fn interface_addresses() -> Vec<(String, Ipv4Addr)> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list`, freed below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut entry = list;
    while !entry.is_null() {
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
        if let Some(address) = address.filter(|_| up && !loopback) {
            // SAFETY: ifa_name is a NUL-terminated string of the list.
            let name = unsafe { CStr::from_ptr(ifa.ifa_name) };
            found.push((name.to_string_lossy().into_owned(), address));
        }
        entry = ifa.ifa_next;
    }
    // SAFETY: the list getifaddrs returned, freed once.
    unsafe { libc::freeifaddrs(list) };
    found
}
