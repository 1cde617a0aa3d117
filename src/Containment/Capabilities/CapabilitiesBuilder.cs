namespace Containment.Capabilities;

/// <summary>
/// Changes a <see cref="CapabilitySpec"/>: see <see cref="ContainerSpec.WithCapabilities(Action{CapabilitiesBuilder})"/>.
/// <see cref="Add"/> and <see cref="Drop"/> work like <c>docker --cap-add/--cap-drop</c>; the <c>Set*</c> methods set
/// one set exactly.
/// </summary>
public sealed class CapabilitiesBuilder
{
    internal CapabilitiesBuilder(CapabilitySpec start) => Spec = start;

    internal CapabilitySpec Spec { get; private set; }

    /// <summary>Adds capabilities to the bounding, effective and permitted sets.</summary>
    public CapabilitiesBuilder Add(params ReadOnlySpan<Capability> capabilities)
    {
        var add = CapabilitySet.Of(capabilities);
        Spec = Spec with { Bounding = Spec.Bounding.Union(add), Effective = Spec.Effective.Union(add), Permitted = Spec.Permitted.Union(add) };
        return this;
    }

    /// <summary>Removes capabilities from every set.</summary>
    public CapabilitiesBuilder Drop(params ReadOnlySpan<Capability> capabilities) => DropSet(CapabilitySet.Of(capabilities));

    /// <summary>Removes every capability from every set.</summary>
    public CapabilitiesBuilder DropAll() => DropSet(CapabilitySet.FromMask(ulong.MaxValue));

    private CapabilitiesBuilder DropSet(CapabilitySet drop)
    {
        Spec = new CapabilitySpec(Spec.Bounding.Except(drop), Spec.Effective.Except(drop), Spec.Permitted.Except(drop),
            Spec.Inheritable.Except(drop), Spec.Ambient.Except(drop));
        return this;
    }

    /// <summary>
    /// Gives capabilities to a non-root process across its exec: adds them to the ambient set and to every set an
    /// ambient capability needs (inheritable, permitted, effective, bounding).
    /// </summary>
    public CapabilitiesBuilder AddAmbient(params ReadOnlySpan<Capability> capabilities)
    {
        var add = CapabilitySet.Of(capabilities);
        Spec = new CapabilitySpec(Spec.Bounding.Union(add), Spec.Effective.Union(add), Spec.Permitted.Union(add),
            Spec.Inheritable.Union(add), Spec.Ambient.Union(add));
        return this;
    }

    /// <summary>Sets the bounding set exactly.</summary>
    public CapabilitiesBuilder SetBounding(CapabilitySet set) => Set(Spec with { Bounding = set });

    /// <summary>Sets the effective set exactly.</summary>
    public CapabilitiesBuilder SetEffective(CapabilitySet set) => Set(Spec with { Effective = set });

    /// <summary>Sets the permitted set exactly.</summary>
    public CapabilitiesBuilder SetPermitted(CapabilitySet set) => Set(Spec with { Permitted = set });

    /// <summary>Sets the inheritable set exactly.</summary>
    public CapabilitiesBuilder SetInheritable(CapabilitySet set) => Set(Spec with { Inheritable = set });

    /// <summary>Sets the ambient set exactly (each must also be permitted and inheritable).</summary>
    public CapabilitiesBuilder SetAmbient(CapabilitySet set) => Set(Spec with { Ambient = set });

    private CapabilitiesBuilder Set(CapabilitySpec spec)
    {
        Spec = spec;
        return this;
    }
}
