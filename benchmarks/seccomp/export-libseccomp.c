/*
 * Builds a libseccomp filter from a rules file and writes libseccomp's BPF (seccomp_export_bpf) to stdout.
 * Rules file, one rule a line (written by `Containment.Benchmarks seccomp-rules`):
 *   default <ret>                      default action, as the kernel's SECCOMP_RET_* value
 *   arch <name>                        an extra architecture (x86, x32, arm, ...)
 *   rule <ret> <name> <n> [<index> <op> <value> <valueTwo>]*n   op: libseccomp's SCMP_CMP_* number
 * Names unknown to libseccomp on every architecture are skipped, as runc does.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s RULES\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror(argv[1]); return 2; }
    char line[4096];
    scmp_filter_ctx ctx = NULL;
    int rules = 0, skipped = 0;
    while (fgets(line, sizeof line, f)) {
        char *tok = strtok(line, " \n");
        if (!tok) continue;
        if (strcmp(tok, "default") == 0) {
            ctx = seccomp_init((uint32_t)strtoul(strtok(NULL, " \n"), NULL, 0));
            if (!ctx) { fprintf(stderr, "seccomp_init failed\n"); return 1; }
        } else if (strcmp(tok, "arch") == 0) {
            uint32_t arch = seccomp_arch_resolve_name(strtok(NULL, " \n"));
            int rc = seccomp_arch_add(ctx, arch);
            if (rc && rc != -EEXIST) { fprintf(stderr, "seccomp_arch_add: %d\n", rc); return 1; }
        } else if (strcmp(tok, "rule") == 0) {
            uint32_t action = (uint32_t)strtoul(strtok(NULL, " \n"), NULL, 0);
            const char *name = strtok(NULL, " \n");
            int n = atoi(strtok(NULL, " \n"));
            struct scmp_arg_cmp args[6];
            for (int i = 0; i < n && i < 6; i++) {
                args[i].arg = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 0);
                args[i].op = (enum scmp_compare)strtoul(strtok(NULL, " \n"), NULL, 0);
                args[i].datum_a = strtoull(strtok(NULL, " \n"), NULL, 0);
                args[i].datum_b = strtoull(strtok(NULL, " \n"), NULL, 0);
            }
            int nr = seccomp_syscall_resolve_name(name);
            if (nr == __NR_SCMP_ERROR) { skipped++; continue; }
            int rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)n, args);
            if (rc) { fprintf(stderr, "seccomp_rule_add %s: %d\n", name, rc); return 1; }
            rules++;
        }
    }
    fclose(f);
    fprintf(stderr, "libseccomp %d.%d.%d: %d rules, %d names unknown to it\n",
            seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro, rules, skipped);
    if (seccomp_export_bpf(ctx, STDOUT_FILENO)) { fprintf(stderr, "seccomp_export_bpf failed\n"); return 1; }
    seccomp_release(ctx);
    return 0;
}
