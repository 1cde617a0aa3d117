namespace Containment.Runtime;

internal static class Usage
{
    public const string Text = """
        containment: an OCI runtime (runc's command line), built on the Containment library

        usage: containment [global options] COMMAND [options] [ID] [args...]

        global options:
          --root DIR            state directory (default /run/containment)
          --log FILE            also write errors to FILE
          --log-format text|json
          --debug               log debug lines
          --systemd-cgroup      the container's cgroup is a systemd scope (cgroupsPath slice:prefix:name; cgroup v2)
          --allow-unenforced-limits   rootless without a delegated cgroup: run without the config's limits
                                (warned) instead of failing

        commands:
          create [--bundle DIR] [--pid-file F] [--console-socket S] [--no-pivot] [--no-new-keyring] [--preserve-fds N] [--dry-run] ID
          start ID              run the created container's process
          run [--bundle DIR] [--pid-file F] [--detach] [--dry-run] ID     create + start (+ wait and delete unless detached)
          --dry-run             (create, run) print every step the start would perform; create nothing
          state ID              print the OCI state
          list [--format table|json]
          ps [--format table|json] ID
          kill [--all] ID [SIGNAL]    (names or numbers; default TERM)
          delete [--force] ID
          exec [--process F | -- ARGS] [--detach] [--tty] [--pid-file F] [--console-socket S] [--cwd DIR] [--env K=V]
               [--user UID[:GID]] [--preserve-fds N] ID [ARGS...]
          pause ID, resume ID
          checkpoint [--image-path DIR] [--work-path DIR] [--leave-running] [--tcp-established] [--file-locks] [--shell-job]
                     [--pre-dump] [--parent-path DIR] [--manage-cgroups-mode soft|full|strict|ignore] ID     (CRIU)
          restore [--bundle DIR] [--image-path DIR] [--work-path DIR] [--tcp-established] [--file-locks] [--shell-job]
                  [--manage-cgroups-mode M] [--detach] [--pid-file F] ID
          update [-r FILE|-] [--memory M] [--memory-swap M] [--memory-reservation M] [--cpu-shares N] [--cpu-quota N]
                 [--cpu-period N] [--cpuset-cpus L] [--cpuset-mems L] [--pids-limit N] [--blkio-weight N] ID
          events [--stats] [--interval 5s] ID
          spec [--rootless] [--bundle DIR]
          features
        """;
}
