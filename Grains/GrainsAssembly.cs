namespace M3CoreCRM.Grains;

/// <summary>Names this assembly for the silo, which hosts every grain class in it.</summary>
public static class GrainsAssembly;
