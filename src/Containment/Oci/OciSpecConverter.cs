using Containment.Cgroups;

namespace Containment.Oci;

/// <summary>
/// The one place where an OCI <c>config.json</c> becomes a <see cref="ContainerSpec"/>, with the specification's
/// semantics (an absent field means what the specification says it means, not the library's default: no
/// <c>process.capabilities</c> is no capabilities, no <c>linux.maskedPaths</c> masks nothing). Every field is
/// either mapped or reported as an error naming it: nothing is silently dropped. Fields this version cannot honour
/// are accepted only with their empty or default value (<c>"apparmorProfile": ""</c>), which managers often send.
/// </summary>
public static partial class OciSpecConverter
{
    /// <summary>Converts a configuration; <paramref name="bundle"/> anchors a relative <c>root.path</c>.</summary>
    /// <exception cref="ContainerSpecException">The configuration is invalid or uses a field this version cannot
    /// honour; every problem is listed, each naming its field (<c>process.ioPriority</c>).</exception>
    public static ContainerSpec ToContainerSpec(OciConfig config, string bundle)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(bundle);
        var errors = new List<SpecError>(config.Validate());
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        var refuse = Refuser(errors);

        var rootPath = config.Root!.Path;
        var spec = ContainerSpec.FromRootfs(Path.GetFullPath(Path.IsPathRooted(rootPath) ? rootPath : Path.Combine(bundle, rootPath)));
        if (config.Root.Readonly == true)
            spec = spec.WithReadOnlyRootfs();
        if (config.Hostname is { Length: > 0 } hostname)
            spec = spec.WithHostname(hostname);
        if (config.Domainname is { Length: > 0 } domainname)
            spec = spec.WithDomainname(domainname);

        if (config.Process is { } process)
            spec = spec.WithProcess(ConvertProcess(process, refuse));
        else
            refuse("process", "is required to create a container");

        spec = spec.WithSeccomp(null); // OCI: a filter only when linux.seccomp gives one
        if (config.Linux is { } linux)
            spec = ConvertLinux(spec, linux, refuse);
        else
            refuse("linux", "is required on Linux");
        spec = ConvertMounts(spec, config.Mounts ?? [], refuse);

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
    public static ProcessSpec ToProcessSpec(OciProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        var errors = new List<SpecError>(OciConfigValidator.ValidateProcess(process));
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        var result = ConvertProcess(process, Refuser(errors));
        return errors.Count > 0 ? throw new ContainerSpecException(errors) : result;
    }

    /// <summary>Converts <c>linux.resources</c> (for a new container, or <c>update -r</c> of a running one).</summary>
    /// <exception cref="ContainerSpecException">A field is invalid or cannot be honoured; every problem is listed.</exception>
    public static CgroupSpec ToCgroupSpec(OciResources? resources)
    {
        var errors = new List<SpecError>(resources is null ? [] : OciConfigValidator.ValidateResources(resources));
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        var result = ConvertResources(resources, Refuser(errors));
        return errors.Count > 0 ? throw new ContainerSpecException(errors) : result;
    }

    private static Action<string, string> Refuser(List<SpecError> errors) =>
        (field, why) => errors.Add(new SpecError(field, why));
}
