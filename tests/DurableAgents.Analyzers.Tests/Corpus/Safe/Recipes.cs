using System.ComponentModel;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using DurableAgents;
using DurableAgents.Agents;
using Microsoft.Extensions.AI;

namespace Corpus.Recipes;

public sealed record Recipe(string Id, string Title, IReadOnlyList<string> Ingredients, int Minutes);

public sealed record ShoppingListItem(string Ingredient, int Count);

/// <summary>
/// A cooking agent. The tools share a helper that calls the recipe API; the helper is internal so the tests can call it,
/// and it only ever runs inside tool steps.
/// </summary>
[DurableAgent("Chef")]
[AgentInstructions("You suggest recipes. Use find_recipes, then build_shopping_list for the chosen ones.")]
[Description("Suggests recipes and shopping lists.")]
public partial class ChefAgent(HttpClient http) : IConfigureDurableAgent
{
    private const int PageSize = 10;

    /// <summary>Finds recipes that use an ingredient.</summary>
    /// <param name="ingredient">The main ingredient.</param>
    /// <param name="maxMinutes">The longest preparation time, in minutes.</param>
    [DurableTool]
    public async Task<IReadOnlyList<Recipe>> FindRecipesAsync(string ingredient, int maxMinutes = 45, CancellationToken cancellationToken = default)
    {
        var page = await FetchRecipesAsync($"ingredient={Uri.EscapeDataString(ingredient)}&size={PageSize}", cancellationToken);
        return page.Where(r => r.Minutes <= maxMinutes).OrderBy(r => r.Minutes).ThenBy(r => r.Title, StringComparer.Ordinal).ToList();
    }

    /// <summary>Builds a shopping list for recipes.</summary>
    /// <param name="recipeIds">The ids of the chosen recipes.</param>
    [DurableTool]
    public async Task<IReadOnlyList<ShoppingListItem>> BuildShoppingListAsync(IReadOnlyList<string> recipeIds, CancellationToken cancellationToken)
    {
        var recipes = new List<Recipe>();
        foreach (var id in recipeIds)
        {
            recipes.AddRange(await FetchRecipesAsync("id=" + Uri.EscapeDataString(id), cancellationToken));
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken); // the recipe API allows ten requests a second
        }

        return recipes
            .SelectMany(r => r.Ingredients)
            .GroupBy(i => i.Trim().ToLowerInvariant(), StringComparer.Ordinal)
            .Select(g => new ShoppingListItem(g.Key, g.Count()))
            .OrderBy(i => i.Ingredient, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Calls the recipe API (used by the tools; internal for the unit tests).</summary>
    internal async Task<IReadOnlyList<Recipe>> FetchRecipesAsync(string query, CancellationToken cancellationToken)
        => await http.GetFromJsonAsync("https://recipes.example/search?" + query, RecipesJson.Default.ListRecipe, cancellationToken) ?? [];

    /// <inheritdoc />
    public void Configure(DurableAgentOptions options)
    {
        // An extra tool from a method group: the runtime runs it in a journaled step.
        options.Tools.Add(DurableTool.FromFunction(AIFunctionFactory.Create(SeasonalIngredientsAsync, "seasonal_ingredients", "Ingredients in season this month.")));
    }

    private async Task<string> SeasonalIngredientsAsync(CancellationToken cancellationToken)
        => await http.GetStringAsync($"https://recipes.example/seasonal?month={DateTime.UtcNow.Month}", cancellationToken);
}

[JsonSerializable(typeof(List<Recipe>))]
[JsonSerializable(typeof(IReadOnlyList<Recipe>))]
[JsonSerializable(typeof(IReadOnlyList<ShoppingListItem>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class RecipesJson : JsonSerializerContext;
