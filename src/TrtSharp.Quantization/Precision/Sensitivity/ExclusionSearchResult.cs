namespace TrtSharp.Quantization.Precision.Sensitivity;

/// <summary>One model the exclusion search validated: the number of top-ranked layers kept in float and the agreement reached.</summary>
/// <param name="KeptInFloat">Top-ranked layers kept in float.</param>
/// <param name="Cosine">Lowest output cosine.</param>
/// <param name="SnrDb">Lowest output SNR in dB.</param>
/// <param name="Met">Whether the target held.</param>
public sealed record ExclusionTrial(int KeptInFloat, double Cosine, double SnrDb, bool Met);

/// <summary>What an exclusion search found: the layers kept in float, the final model and the trials that led there.</summary>
/// <typeparam name="TResult">The final model's result (<see cref="QuantizeResult"/> or an AutoCast result).</typeparam>
/// <param name="Reached">Whether the target holds for <paramref name="Final"/>.</param>
/// <param name="KeptInFloat">The layers kept in float (node names, most sensitive first): give them back as exclusions to reproduce the run.</param>
/// <param name="Budget">Most layers the search was allowed to keep in float.</param>
/// <param name="LayerCount">Layers that could be reduced.</param>
/// <param name="Trials">Every model validated, in the order tried.</param>
/// <param name="Sensitivity">The ranking searched over (null when the target held without keeping any layer).</param>
/// <param name="Agreement">The final model's agreement with float32 on the held-out data.</param>
/// <param name="Final">The final model: the one reaching the target with fewest layers kept, or the one at the budget when none did.</param>
/// <param name="Elapsed">Wall time of the search, sensitivity ranking included.</param>
public sealed record ExclusionSearchResult<TResult>(bool Reached, IReadOnlyList<string> KeptInFloat, int Budget, int LayerCount, IReadOnlyList<ExclusionTrial> Trials,
    SensitivityReport? Sensitivity, IReadOnlyList<OutputAgreement> Agreement, TResult Final, TimeSpan Elapsed)
{
    /// <summary>What was searched, in words.</summary>
    public string Summary =>
        $"{(Reached ? "target reached" : "target NOT reached")} with {KeptInFloat.Count} of {LayerCount} layer(s) kept in float (budget {Budget}); "
        + $"{Trials.Count} model(s) validated ({string.Join(", ", Trials.Select(t => $"{t.KeptInFloat} kept: cosine {t.Cosine:0.00000}{(t.Met ? " ok" : "")}"))})"
        + (Sensitivity is null ? "" : $" after a sensitivity ranking {Sensitivity.Walk}") + $"; {Elapsed.TotalSeconds:0.0} s";
}
