using Spectre.Console.Cli;

namespace Sweep.Cli;

/// <summary>
/// The smallest container Spectre.Console.Cli needs, so commands can take their dependencies
/// (the console, the stop signal) through their constructors and be tested with fakes.
/// A service may be registered several times; IEnumerable&lt;T&gt; resolves to all of them.
/// </summary>
internal sealed class TypeRegistrar : ITypeRegistrar
{
    private readonly Dictionary<Type, List<Func<object>>> _factories = [];

    public void Register(Type service, Type implementation) => Add(service, () => Create(implementation));

    public void RegisterInstance(Type service, object implementation) => Add(service, () => implementation);

    public void RegisterLazy(Type service, Func<object> factory) => Add(service, factory);

    public ITypeResolver Build() => new Resolver(this);

    private void Add(Type service, Func<object> factory)
    {
        if (!_factories.TryGetValue(service, out var list))
        {
            _factories[service] = list = [];
        }
        list.Add(factory);
    }

    private object? Resolve(Type type)
    {
        if (_factories.TryGetValue(type, out var list))
        {
            return list[^1]();
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            Type item = type.GetGenericArguments()[0];
            var all = _factories.GetValueOrDefault(item) ?? [];
            Array array = Array.CreateInstance(item, all.Count);
            for (int i = 0; i < all.Count; i++)
            {
                array.SetValue(all[i](), i);
            }
            return array;
        }
        return type.IsInterface || type.IsAbstract ? null : Create(type);
    }

    private object Create(Type type)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        object?[] arguments = constructor.GetParameters().Select(p => Resolve(p.ParameterType)).ToArray();
        return constructor.Invoke(arguments);
    }

    private sealed class Resolver(TypeRegistrar registrar) : ITypeResolver
    {
        public object? Resolve(Type? type) => type == null ? null : registrar.Resolve(type);
    }
}
