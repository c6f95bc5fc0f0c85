/* SPDX-License-Identifier: MIT */
/* Linux's values: include/uapi/linux/netlink.h, rtnetlink.h, if_link.h, if_addr.h, if.h, if_arp.h. */
#ifndef GOOSE_UAPI_NETLINK_H
#define GOOSE_UAPI_NETLINK_H

#define NETLINK_ROUTE 0
#define NLMSG_ERROR 2
#define NLMSG_DONE 3
#define NLM_F_MULTI 0x2
#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define RTM_NEWADDR 20
#define RTM_GETADDR 22
#define RTM_NEWROUTE 24
#define RTM_GETROUTE 26
#define RT_TABLE_MAIN 254
#define RTA_DST 1
#define RTA_OIF 4
#define RTA_GATEWAY 5
#define RTA_PRIORITY 6
#define RTA_PREFSRC 7
#define RTA_TABLE 15
#define IFF_UP 0x1
#define IFF_LOOPBACK 0x8
#define IFF_RUNNING 0x40
#define IFF_LOWER_UP 0x10000
#define ARPHRD_LOOPBACK 772
#define IFLA_ADDRESS 1
#define IFLA_IFNAME 3
#define IFLA_MTU 4
#define IFA_ADDRESS 1
#define IFA_LOCAL 2
#define IFA_LABEL 3
#define IFA_F_PERMANENT 0x80
#define RT_SCOPE_HOST 254
#define NL_ALIGN(n) (((n) + 3) & ~(size_t)3)

#endif
