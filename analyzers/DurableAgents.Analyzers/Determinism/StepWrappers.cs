using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>
/// Which delegate parameters of the compilation's methods (and local functions) are step-wrapper parameters: every
/// delegate passed to them runs in a journaled step. A parameter is one when the method passes it to a
/// <c>[RunsInDurableStep]</c> place (directly, through a local, or by calling it inside a step body), or forwards it to
/// another step-wrapper parameter (a helper that calls a helper, an interface whose every implementation is a wrapper),
/// and never runs it itself outside a step. Facts are collected per body; <see cref="Resolve"/> runs once at the end.
/// </summary>
internal sealed class StepWrappers
{
    private readonly ConcurrentDictionary<DelegateParameter, byte> _stepUses = new();
    private readonly ConcurrentDictionary<DelegateParameter, byte> _runsHere = new();
    private readonly ConcurrentDictionary<DelegateParameter, ConcurrentBag<DelegateParameter>> _forwards = new();
    private HashSet<DelegateParameter>? _resolved;
    private Implementations? _implementations;

    /// <summary>The parameter goes to a step (or is called inside a step body).</summary>
    public void AddStepUse(DelegateParameter parameter) => _stepUses.TryAdd(parameter, 0);

    /// <summary>The parameter is called (or handed to code that calls it) outside any step.</summary>
    public void AddRunsHere(DelegateParameter parameter) => _runsHere.TryAdd(parameter, 0);

    /// <summary>The parameter is passed on to a delegate parameter of another method of the compilation.</summary>
    public void AddForward(DelegateParameter from, DelegateParameter to) =>
        _forwards.GetOrAdd(from, _ => new ConcurrentBag<DelegateParameter>()).Add(to);

    /// <summary>Computes the step-wrapper parameters (a greatest fixed point, so mutually forwarding helpers qualify).</summary>
    public void Resolve(Implementations implementations)
    {
        _implementations = implementations;
        var candidates = new HashSet<DelegateParameter>();
        foreach (var use in _stepUses.Keys)
        {
            candidates.Add(use);
        }

        foreach (var from in _forwards.Keys)
        {
            candidates.Add(from);
        }

        candidates.ExceptWith(_runsHere.Keys);
        _resolved = candidates;

        bool changed;
        do
        {
            changed = false;
            foreach (var candidate in new List<DelegateParameter>(candidates))
            {
                if (!_forwards.TryGetValue(candidate, out var targets))
                {
                    continue;
                }

                foreach (var target in targets)
                {
                    if (!IsStepParameter(target))
                    {
                        candidates.Remove(candidate);
                        changed = true;
                        break;
                    }
                }
            }
        }
        while (changed);
    }

    /// <summary>
    /// True if a delegate passed to this parameter runs in a step. For an abstract or interface method: if it has
    /// implementations in the compilation and each of them is a step wrapper for the parameter.
    /// </summary>
    public bool IsStepParameter(DelegateParameter parameter)
    {
        if (_resolved is null || _implementations is null)
        {
            return false; // not resolved yet: nothing is known to be a step
        }

        if (_resolved.Contains(parameter))
        {
            return true;
        }

        if (!parameter.Method.IsAbstract)
        {
            return false;
        }

        var implementations = _implementations.Of(parameter.Method);
        if (implementations.Count == 0)
        {
            return false;
        }

        foreach (var implementation in implementations)
        {
            if (!_resolved.Contains(new DelegateParameter(implementation, parameter.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }
}
