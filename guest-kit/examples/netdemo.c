/* guest-kit example: a web server on lwIP over netfront (gk/netfront.h, guest-kit/lwip/).
 * Opens the first vif, gives it to lwIP, gets an address by DHCP and serves HTTP on port 80
 * with lwIP's httpd: "/" (or "/index.html") is a page naming the guest, its address and MAC
 * and the requests served so far; anything else is httpd's 404.
 *
 * Console lines for the operator and the system tests:
 *   NETDEMO mac 00:16:3e:..                   the vif is connected
 *   NETDEMO address A.B.C.D gateway G mask M  DHCP bound
 *   NETDEMO serving http://A.B.C.D/           httpd listens
 *   NETDEMO backend left (..); reconnecting    the backend went away: wait for it to come back
 *   NETDEMO reconnected: N connects, ...       and serve on
 *   NETDEMO FAIL <reason>                     it could not (then it powers off)
 *
 * Command line: requests=N (power off after serving N pages; default: serve until destroyed),
 * dhcp_timeout=S (seconds to wait for an address; default 120). */
#include "gk/kit.h"
#include "gk/netfront.h"
#include "gk/time.h"
#include "gk_lwip.h"
#include "lwip/apps/fs.h"
#include "lwip/apps/httpd.h"
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/mem.h"

#define RECONNECT_NS (120 * 1000000000ULL)

static struct netif nif;
static unsigned long served;

static unsigned long cmdline_ulong(const char *key, unsigned long dflt)
{
    char buf[24];
    unsigned long v = 0;

    if (!gk_cmdline_get(key, buf, sizeof(buf)) || !buf[0])
        return dflt;
    for (const char *p = buf; *p; p++) {
        if (*p < '0' || *p > '9')
            return dflt;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    return v;
}

static __attribute__((noreturn)) void fail(const char *what, long rc)
{
    gk_printf("NETDEMO FAIL %s (%ld)\n", what, rc);
    gk_poweroff();
}

/* httpd's custom files: the page, built afresh for each request (lwIP's heap holds it until
 * httpd has sent it). */
int fs_open_custom(struct fs_file *file, const char *name);
void fs_close_custom(struct fs_file *file);
int fs_read_custom(struct fs_file *file, char *buffer, int count);

int fs_open_custom(struct fs_file *file, const char *name)
{
    const uint8_t *m = gk_netfront_info(nif.state)->mac;
    char body[512], *page;
    int blen, len;

    if (lib_strcmp(name, "/") && lib_strcmp(name, "/index.html"))
        return 0;
    served++;
    blen = lib_snprintf(body, sizeof(body),
                        "<!DOCTYPE html>\n<html><head><title>netdemo</title></head><body>\n"
                        "<h1>guest-kit netdemo</h1>\n<p>lwIP %s over netfront</p>\n"
                        "<pre>NETDEMO-PAGE address=%s mac=%02x:%02x:%02x:%02x:%02x:%02x "
                        "request=%lu uptime_ms=%lu</pre>\n</body></html>\n",
                        LWIP_VERSION_STRING, ip4addr_ntoa(netif_ip4_addr(&nif)), m[0], m[1], m[2],
                        m[3], m[4], m[5], served, (unsigned long)(gk_time_now() / GK_NS_PER_MS));
    page = mem_malloc(blen + 160);
    if (!page)
        return 0;
    len = lib_snprintf(page, (size_t)blen + 160,
                       "HTTP/1.0 200 OK\r\nServer: guest-kit netdemo (lwIP httpd)\r\n"
                       "Content-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                       "%s", blen, body);
    memset(file, 0, sizeof(*file));
    file->data = page;
    file->len = len;
    file->index = len;
    file->flags = FS_FILE_FLAGS_HEADER_INCLUDED;
    return 1;
}

void fs_close_custom(struct fs_file *file)
{
    mem_free((void *)file->data);
}

int fs_read_custom(struct fs_file *file, char *buffer, int count)
{
    (void)file, (void)buffer, (void)count;
    return FS_READ_EOF; /* the whole page is in file->data */
}

static void print_mac(const uint8_t *m)
{
    gk_printf("NETDEMO mac %02x:%02x:%02x:%02x:%02x:%02x\n", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* Run lwIP until DHCP has bound an address. */
static void wait_address(uint64_t deadline)
{
    char gw[16], mask[16];

    while (!dhcp_supplied_address(&nif)) {
        long rc = gk_lwip_run(&nif, 100 * GK_NS_PER_MS);

        if (rc < 0)
            fail("netfront disconnected during DHCP", rc);
        if (gk_time_now() > deadline)
            fail("no DHCP lease", -PV_ETIMEDOUT);
    }
    lib_strlcpy(gw, ip4addr_ntoa(netif_ip4_gw(&nif)), sizeof(gw));
    lib_strlcpy(mask, ip4addr_ntoa(netif_ip4_netmask(&nif)), sizeof(mask));
    gk_printf("NETDEMO address %s gateway %s mask %s\n", ip4addr_ntoa(netif_ip4_addr(&nif)), gw,
              mask);
}

void gk_main(void)
{
    unsigned long want = cmdline_ulong("requests", 0);
    uint64_t dhcp_ns = cmdline_ulong("dhcp_timeout", 120) * 1000000000ULL;
    struct gk_netfront *nf;
    long rc;

    rc = gk_netfront_open(NULL, NULL, &nf);
    if (rc)
        fail("netfront open", rc);
    print_mac(gk_netfront_info(nf)->mac);
    lwip_init();
    if (!netif_add(&nif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, nf, gk_lwip_netif_init,
                   netif_input))
        fail("netif_add", -PV_EINVAL);
    netif_set_hostname(&nif, "netdemo");
    netif_set_default(&nif);
    netif_set_up(&nif);
    netif_set_link_up(&nif);
    rc = dhcp_start(&nif);
    if (rc != ERR_OK)
        fail("dhcp_start", rc);
    wait_address(gk_time_now() + dhcp_ns);
    httpd_init();
    gk_printf("NETDEMO serving http://%s/\n", ip4addr_ntoa(netif_ip4_addr(&nif)));
    while (!want || served < want) {
        rc = gk_lwip_run(&nif, 500 * GK_NS_PER_MS);
        if (rc >= 0)
            continue;
        /* The backend left: connect again when it comes back; lwIP keeps its address. */
        gk_printf("NETDEMO backend left (%ld); reconnecting\n", rc);
        rc = gk_netfront_reconnect(nf, gk_time_now() + RECONNECT_NS);
        if (rc)
            fail("netfront reconnect", rc);
        gk_printf("NETDEMO reconnected: %lu connects, %lu bogus responses, %lu leaked grants\n",
                  gk_netfront_stats(nf)->connects, gk_netfront_stats(nf)->bogus,
                  gk_netfront_stats(nf)->leaked_grants);
    }
    /* Let the last page go out before powering off. */
    for (uint64_t end = gk_time_now() + 2000 * GK_NS_PER_MS; gk_time_now() < end;)
        gk_lwip_run(&nif, 100 * GK_NS_PER_MS);
    gk_printf("NETDEMO served %lu requests\n", served);
}
