using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Sweep.Tests.Architecture;

/// <summary>
/// The namespaces each type of a compiled assembly uses, read from its metadata and IL: base types,
/// interfaces, fields, signatures, locals and every type, method and field a method body names
/// (generic arguments included). What the compiler bound, not what the source text spells.
/// </summary>
internal static class CompiledReferences
{
    /// <summary>For each top-level type of the assembly (nested and compiler-made types count as their outer type's), the namespaces it uses.</summary>
    public static IReadOnlyDictionary<(string Namespace, string Type), HashSet<string>> Of(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        var provider = new NamespaceProvider(md);
        var result = new Dictionary<(string Namespace, string Type), HashSet<string>>();
        foreach (TypeDefinitionHandle handle in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(handle);
            var owner = (provider.NamespaceOf(handle), provider.OuterNameOf(handle));
            if (!result.TryGetValue(owner, out HashSet<string>? used))
            {
                result[owner] = used = new HashSet<string>(StringComparer.Ordinal);
            }
            AddHandle(md, provider, type.BaseType, used);
            foreach (InterfaceImplementationHandle i in type.GetInterfaceImplementations())
            {
                AddHandle(md, provider, md.GetInterfaceImplementation(i).Interface, used);
            }
            foreach (FieldDefinitionHandle f in type.GetFields())
            {
                used.UnionWith(md.GetFieldDefinition(f).DecodeSignature(provider, null));
            }
            foreach (MethodDefinitionHandle m in type.GetMethods())
            {
                MethodDefinition method = md.GetMethodDefinition(m);
                var signature = method.DecodeSignature(provider, null);
                used.UnionWith(signature.ReturnType);
                foreach (var p in signature.ParameterTypes)
                {
                    used.UnionWith(p);
                }
                if (method.RelativeVirtualAddress != 0)
                {
                    AddBody(md, provider, pe.GetMethodBody(method.RelativeVirtualAddress), used);
                }
            }
        }
        return result;
    }

    private static void AddBody(MetadataReader md, NamespaceProvider provider, MethodBodyBlock body, HashSet<string> used)
    {
        if (!body.LocalSignature.IsNil)
        {
            foreach (var local in md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null))
            {
                used.UnionWith(local);
            }
        }
        BlobReader il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            int code = il.ReadByte();
            if (code == 0xFE)
            {
                code = 0xFE00 | il.ReadByte();
            }
            OperandType operand = Operands[code];
            switch (operand)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    AddHandle(md, provider, MetadataTokens.EntityHandle(il.ReadInt32()), used);
                    break;
                case OperandType.InlineSwitch:
                    il.Offset += 4 * il.ReadInt32();
                    break;
                default:
                    il.Offset += OperandSize(operand);
                    break;
            }
        }
    }

    private static void AddHandle(MetadataReader md, NamespaceProvider provider, EntityHandle handle, HashSet<string> used)
    {
        if (handle.IsNil)
        {
            return;
        }
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                used.Add(provider.NamespaceOf((TypeDefinitionHandle)handle));
                break;
            case HandleKind.TypeReference:
                used.Add(provider.NamespaceOf((TypeReferenceHandle)handle));
                break;
            case HandleKind.TypeSpecification:
                used.UnionWith(md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(provider, null));
                break;
            case HandleKind.MethodDefinition:
                used.Add(provider.NamespaceOf(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()));
                break;
            case HandleKind.FieldDefinition:
                used.Add(provider.NamespaceOf(md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()));
                break;
            case HandleKind.MemberReference:
                MemberReference member = md.GetMemberReference((MemberReferenceHandle)handle);
                AddHandle(md, provider, member.Parent, used);
                if (member.GetKind() == MemberReferenceKind.Method)
                {
                    var signature = member.DecodeMethodSignature(provider, null);
                    used.UnionWith(signature.ReturnType);
                    foreach (var p in signature.ParameterTypes)
                    {
                        used.UnionWith(p);
                    }
                }
                else
                {
                    used.UnionWith(member.DecodeFieldSignature(provider, null));
                }
                break;
            case HandleKind.MethodSpecification:
                MethodSpecification spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                AddHandle(md, provider, spec.Method, used);
                foreach (var argument in spec.DecodeSignature(provider, null))
                {
                    used.UnionWith(argument);
                }
                break;
        }
    }

    private static readonly Dictionary<int, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => (int)(ushort)o.Value, o => o.OperandType);

    private static int OperandSize(OperandType operand) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };

    /// <summary>Decodes signatures into the namespaces of the types they name.</summary>
    private sealed class NamespaceProvider(MetadataReader md) : ISignatureTypeProvider<ImmutableArray<string>, object?>
    {
        public string NamespaceOf(TypeDefinitionHandle handle)
        {
            TypeDefinition type = md.GetTypeDefinition(handle);
            TypeDefinitionHandle outer = type.GetDeclaringType();
            return outer.IsNil ? md.GetString(type.Namespace) : NamespaceOf(outer);
        }

        public string OuterNameOf(TypeDefinitionHandle handle)
        {
            TypeDefinition type = md.GetTypeDefinition(handle);
            TypeDefinitionHandle outer = type.GetDeclaringType();
            return outer.IsNil ? md.GetString(type.Name) : OuterNameOf(outer);
        }

        public string NamespaceOf(TypeReferenceHandle handle)
        {
            TypeReference type = md.GetTypeReference(handle);
            return type.ResolutionScope.Kind == HandleKind.TypeReference
                ? NamespaceOf((TypeReferenceHandle)type.ResolutionScope)
                : md.GetString(type.Namespace);
        }

        public ImmutableArray<string> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => [NamespaceOf(handle)];

        public ImmutableArray<string> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => [NamespaceOf(handle)];

        public ImmutableArray<string> GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            md.GetTypeSpecification(handle).DecodeSignature(this, context);

        public ImmutableArray<string> GetGenericInstantiation(ImmutableArray<string> genericType, ImmutableArray<ImmutableArray<string>> typeArguments) =>
            [.. genericType, .. typeArguments.SelectMany(a => a)];

        public ImmutableArray<string> GetArrayType(ImmutableArray<string> elementType, ArrayShape shape) => elementType;
        public ImmutableArray<string> GetSZArrayType(ImmutableArray<string> elementType) => elementType;
        public ImmutableArray<string> GetByReferenceType(ImmutableArray<string> elementType) => elementType;
        public ImmutableArray<string> GetPointerType(ImmutableArray<string> elementType) => elementType;
        public ImmutableArray<string> GetPinnedType(ImmutableArray<string> elementType) => elementType;
        public ImmutableArray<string> GetModifiedType(ImmutableArray<string> modifier, ImmutableArray<string> unmodifiedType, bool isRequired) => unmodifiedType;
        public ImmutableArray<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];
        public ImmutableArray<string> GetGenericMethodParameter(object? context, int index) => [];
        public ImmutableArray<string> GetGenericTypeParameter(object? context, int index) => [];
        public ImmutableArray<string> GetFunctionPointerType(MethodSignature<ImmutableArray<string>> signature) => [];
    }
}
