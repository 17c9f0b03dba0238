/* guest-kit/lwip: lwIP's configuration for guest-kit guests: no OS (NO_SYS, raw API, called from
 * the guest's one loop), IPv4 with ARP, DHCP, ICMP, UDP and TCP; lwIP's own heap and pools. */
#ifndef GK_LWIP_LWIPOPTS_H
#define GK_LWIP_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0 /* one thread; the event upcall never calls lwIP */
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define LWIP_DNS 0
#define LWIP_IGMP 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_STATS 0
#define LWIP_CHECKSUM_CTRL_PER_NETIF 0

/* Memory: lwIP's heap in the image, pbufs from its pool. */
#define MEM_ALIGNMENT 8
#define MEM_SIZE (256 * 1024)
#define MEMP_NUM_PBUF 64
#define PBUF_POOL_SIZE 128
#define MEMP_NUM_TCP_PCB 16
#define MEMP_NUM_TCP_SEG 128
#define MEMP_NUM_SYS_TIMEOUT 12

#define TCP_MSS 1460
#define TCP_WND (16 * TCP_MSS)
#define TCP_SND_BUF (16 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)

/* httpd (apps/http): pages from the guest (fs_open_custom), headers written by it. */
#define LWIP_HTTPD_CUSTOM_FILES 1
#define LWIP_HTTPD_DYNAMIC_HEADERS 0
#define LWIP_HTTPD_SSI 0
#define LWIP_HTTPD_CGI 0
#define HTTPD_SERVER_PORT 80

#endif /* GK_LWIP_LWIPOPTS_H */
