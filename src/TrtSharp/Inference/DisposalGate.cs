namespace TrtSharp.Inference;

/// <summary>
/// Lets calls into a native object run concurrently while keeping <c>Dispose</c> from freeing it under them: every
/// call holds a lease (<see cref="TryEnter"/>/<see cref="Exit"/>), <see cref="Close"/> refuses new leases, and
/// <see cref="WaitForLeases"/> blocks until the ones in flight are returned.
/// </summary>
/// <remarks>
/// A lease is two interlocked operations on one integer and allocates nothing, so steady-state runs stay
/// allocation-free. Only the last lease returned after <see cref="Close"/> takes the monitor, to wake the disposer.
/// Do not dispose from inside a lease of the same gate: <see cref="WaitForLeases"/> would wait for itself.
/// </remarks>
internal sealed class DisposalGate
{
    private const int ClosedBit = 1 << 30;
    // Low bits: leases in flight; ClosedBit: no new leases.
    private int _state;
    private readonly object _drained = new();

    /// <summary>True once <see cref="Close"/> has been called.</summary>
    public bool IsClosed => (Volatile.Read(ref _state) & ClosedBit) != 0;

    /// <summary>Takes a lease unless the gate is closed; pair every true result with <see cref="Exit"/>.</summary>
    public bool TryEnter()
    {
        int state = Volatile.Read(ref _state);
        while ((state & ClosedBit) == 0)
        {
            int seen = Interlocked.CompareExchange(ref _state, state + 1, state);
            if (seen == state)
            {
                return true;
            }
            state = seen;
        }
        return false;
    }

    /// <summary>Takes a lease or throws <see cref="ObjectDisposedException"/> naming <paramref name="owner"/>.</summary>
    public void Enter(object owner)
    {
        ObjectDisposedException.ThrowIf(!TryEnter(), owner);
    }

    /// <summary>Returns a lease; the last one after <see cref="Close"/> wakes <see cref="WaitForLeases"/>.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _state) == ClosedBit)
        {
            lock (_drained)
            {
                Monitor.PulseAll(_drained);
            }
        }
    }

    /// <summary>Refuses new leases; true for the one call that closed the gate, false if it was closed already.</summary>
    public bool Close() => (Interlocked.Or(ref _state, ClosedBit) & ClosedBit) == 0;

    /// <summary>Blocks until every lease taken before <see cref="Close"/> has been returned.</summary>
    public void WaitForLeases()
    {
        lock (_drained)
        {
            // The count is read under the monitor that Exit pulses under, so a wake-up cannot be missed.
            while ((Volatile.Read(ref _state) & ~ClosedBit) != 0)
            {
                Monitor.Wait(_drained);
            }
        }
    }
}
