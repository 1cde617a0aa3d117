namespace Containment.Oci;

/// <summary>A state store operation failed (invalid id, unreadable state, lock timeout...).</summary>
internal class ContainerStateException : ContainmentException
{
    /// <summary>Creates the exception.</summary>
    public ContainerStateException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>No container with that id exists in the state store.</summary>
internal sealed class ContainerNotFoundException : ContainerStateException
{
    /// <summary>Creates the exception.</summary>
    public ContainerNotFoundException(string id) : base($"container {id} does not exist") => Id = id;

    /// <summary>The id looked for.</summary>
    public string Id { get; }
}

/// <summary>A container with that id already exists in the state store.</summary>
internal sealed class ContainerExistsException : ContainerStateException
{
    /// <summary>Creates the exception.</summary>
    public ContainerExistsException(string id) : base($"container {id} already exists") => Id = id;

    /// <summary>The id asked for.</summary>
    public string Id { get; }
}
