using Containment.Cgroups;
using Microsoft.Extensions.Logging;

namespace Containment.Oci;

/// <summary>
/// The one place where an OCI <c>config.json</c> becomes a <see cref="ContainerSpec"/>, with the specification's
/// semantics (an absent field means what the specification says it means, not the library's default: no
/// <c>process.capabilities</c> is no capabilities, no <c>linux.maskedPaths</c> masks nothing). Every field is
/// either mapped, reported as an error naming it, or — where runc and crun go on without it — ignored with a warning
/// naming it (deprecated kernel memory limits, blkio leaf weights the kernel no longer has, net_cls/net_prio on a host
/// without them, filesystem data on a bind mount, capabilities this kernel does not know): nothing is silently
/// dropped. Other fields this version cannot honour are accepted only with their empty or default value
/// (<c>"ioPriority"</c> absent), which managers often send.
/// </summary>
internal static partial class OciSpecConverter
{
    /// <summary>Converts a configuration; <paramref name="bundle"/> anchors a relative <c>root.path</c>. What is ignored
    /// as runc ignores it is not reported: use the overload with a logger to see it.</summary>
    /// <exception cref="ContainerSpecException">The configuration is invalid or uses a field this version cannot
    /// honour; every problem is listed, each naming its field (<c>process.ioPriority</c>).</exception>
    public static ContainerSpec ToContainerSpec(OciConfig config, string bundle) => ToContainerSpec(config, bundle, null);

    /// <summary>Converts a configuration; <paramref name="bundle"/> anchors a relative <c>root.path</c>; each field
    /// ignored as runc ignores it is logged to <paramref name="logger"/> as a warning naming it.</summary>
    /// <exception cref="ContainerSpecException">The configuration is invalid or uses a field this version cannot
    /// honour; every problem is listed, each naming its field (<c>process.ioPriority</c>).</exception>
    public static ContainerSpec ToContainerSpec(OciConfig config, string bundle, ILogger? logger)
    {
        var warnings = new List<SpecError>();
        try
        {
            return Convert(config, bundle, OciHostFeatures.For(config.Linux?.Resources), warnings);
        }
        finally
        {
            LogWarnings(logger, warnings);
        }
    }

    /// <summary>The conversion, with the host's features given and the fields ignored collected.</summary>
    internal static ContainerSpec Convert(OciConfig config, string bundle, OciHostFeatures host, List<SpecError> warnings)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(bundle);
        var errors = new List<SpecError>(config.Validate());
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        var refuse = Refuser(errors);
        var warn = Refuser(warnings);

        var rootPath = config.Root!.Path;
        var spec = ContainerSpec.FromRootfs(Path.GetFullPath(Path.IsPathRooted(rootPath) ? rootPath : Path.Combine(bundle, rootPath)));
        if (config.Root.Readonly == true)
            spec = spec.WithReadOnlyRootfs();
        if (config.Hostname is { Length: > 0 } hostname)
            spec = spec.WithHostname(hostname);
        if (config.Domainname is { Length: > 0 } domainname)
            spec = spec.WithDomainname(domainname);

        if (config.Process is { } process)
            spec = spec.WithProcess(ConvertProcess(process, refuse, warn));
        else
            refuse("process", "is required to create a container");

        spec = spec.WithSeccomp(null); // OCI: a filter only when linux.seccomp gives one
        if (config.Linux is { } linux)
            spec = ConvertLinux(spec, linux, refuse, warn, host);
        else
            refuse("linux", "is required on Linux");
        spec = ConvertMounts(spec, config.Mounts ?? [], refuse, warn);
        spec = ConvertLandlock(spec, config.Annotations, refuse);

        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        return spec;
    }

    /// <summary>
    /// Converts a process alone (what <c>exec --process</c> reads): program, environment, working directory,
    /// terminal, user, capabilities (absent: none), rlimits, no_new_privs, oom_score_adj. The standard streams are
    /// inherited from the caller, as runc passes them through.
    /// </summary>
    /// <exception cref="ContainerSpecException">A field is invalid or cannot be honoured; every problem is listed.</exception>
    public static ProcessSpec ToProcessSpec(OciProcess process) => ToProcessSpec(process, null);

    /// <summary>Converts a process alone, logging each field ignored as runc ignores it (unknown capabilities).</summary>
    /// <exception cref="ContainerSpecException">A field is invalid or cannot be honoured; every problem is listed.</exception>
    public static ProcessSpec ToProcessSpec(OciProcess process, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(process);
        var errors = new List<SpecError>(OciConfigValidator.ValidateProcess(process));
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        var warnings = new List<SpecError>();
        var result = ConvertProcess(process, Refuser(errors), Refuser(warnings));
        LogWarnings(logger, warnings);
        return errors.Count > 0 ? throw new ContainerSpecException(errors) : result;
    }

    /// <summary>Converts <c>linux.resources</c> (for a new container, or <c>update -r</c> of a running one).</summary>
    /// <exception cref="ContainerSpecException">A field is invalid or cannot be honoured; every problem is listed.</exception>
    public static CgroupSpec ToCgroupSpec(OciResources? resources) => ToCgroupSpec(resources, null);

    /// <summary>Converts <c>linux.resources</c>, logging each field ignored as runc ignores it on this host.</summary>
    /// <exception cref="ContainerSpecException">A field is invalid or cannot be honoured; every problem is listed.</exception>
    public static CgroupSpec ToCgroupSpec(OciResources? resources, ILogger? logger) =>
        ToCgroupSpec(resources, OciHostFeatures.For(resources), logger);

    internal static CgroupSpec ToCgroupSpec(OciResources? resources, OciHostFeatures host, ILogger? logger)
    {
        var errors = new List<SpecError>(resources is null ? [] : OciConfigValidator.ValidateResources(resources));
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        var warnings = new List<SpecError>();
        var result = ConvertResources(resources, Refuser(errors), Refuser(warnings), host);
        LogWarnings(logger, warnings);
        return errors.Count > 0 ? throw new ContainerSpecException(errors) : result;
    }

    private static Action<string, string> Refuser(List<SpecError> errors) =>
        (field, why) => errors.Add(new SpecError(field, why));

    private static void LogWarnings(ILogger? logger, List<SpecError> warnings)
    {
        if (logger is null)
            return;
        foreach (var w in warnings)
            logger.LogWarning("{Field} ignored: {Reason}", w.Field, w.Message);
    }
}
