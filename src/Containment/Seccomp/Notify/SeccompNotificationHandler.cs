using Microsoft.Win32.SafeHandles;

namespace Containment.Seccomp.Notify;

/// <summary>
/// Answers one supervised call. Called on the thread pool, possibly for several calls at once (one per thread of the
/// container making a supervised call); the call waits until the answer is sent. An exception fails the call with
/// ENOSYS (and is logged). <paramref name="cancellationToken"/> fires when the supervisor stops; honour it, since
/// disposing the container waits for running handlers.
/// </summary>
public delegate ValueTask<SeccompResponse> SeccompNotificationHandler(SeccompNotification notification, CancellationToken cancellationToken);

/// <summary>
/// Receives a container's seccomp notify listener fd (see <see cref="ContainerStartOptions.SeccompListener"/>), with the
/// container's pid, before the start returns. The callee owns <paramref name="listener"/> and must dispose it.
/// </summary>
internal delegate ValueTask SeccompListenerReceiver(SafeFileHandle listener, int pid, CancellationToken cancellationToken);
