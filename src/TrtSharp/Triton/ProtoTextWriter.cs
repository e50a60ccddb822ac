using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace TrtSharp.Triton;

/// <summary>
/// Prints a protobuf message in protobuf text format (the format of Triton's <c>config.pbtxt</c>). Google.Protobuf
/// for C# prints JSON only; walking the message's descriptor keeps field names and enum names exactly those of the
/// schema. Fields come in field-number order, as protobuf's own printer emits them; proto3 fields holding their
/// default value are left out (Triton reads them as the default anyway).
/// </summary>
internal static class ProtoTextWriter
{
    /// <summary>The message as text format, two spaces per nesting level, one field per line.</summary>
    public static string Print(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = new StringBuilder();
        WriteFields(text, message, 0);
        return text.ToString();
    }

    private static void WriteFields(StringBuilder text, IMessage message, int depth)
    {
        foreach (FieldDescriptor field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            object? value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                foreach (DictionaryEntry entry in (IDictionary)value!)
                {
                    Indent(text, depth).Append(field.Name).Append(" {\n");
                    FieldDescriptor keyField = field.MessageType.FindFieldByNumber(1);
                    FieldDescriptor valueField = field.MessageType.FindFieldByNumber(2);
                    WriteSingle(text, keyField, entry.Key, depth + 1);
                    WriteSingle(text, valueField, entry.Value!, depth + 1);
                    Indent(text, depth).Append("}\n");
                }
            }
            else if (field.IsRepeated)
            {
                var items = ((IEnumerable)value!).Cast<object>().ToList();
                if (items.Count == 0)
                {
                    continue;
                }
                if (field.FieldType == FieldType.Message)
                {
                    foreach (object item in items)
                    {
                        WriteSingle(text, field, item, depth);
                    }
                }
                else
                {
                    // Scalars as one list, the way Triton's documentation writes dims: [ 76, 32, 1 ].
                    Indent(text, depth).Append(field.Name).Append(": [ ")
                        .AppendJoin(", ", items.Select(item => Scalar(field, item))).Append(" ]\n");
                }
            }
            else if (IsPresent(field, message, value))
            {
                WriteSingle(text, field, value!, depth);
            }
        }
    }

    private static bool IsPresent(FieldDescriptor field, IMessage message, object? value)
    {
        if (field.RealContainingOneof is { } oneof)
        {
            return oneof.Accessor.GetCaseFieldDescriptor(message) == field;
        }
        return field.FieldType switch
        {
            FieldType.Message => value is not null,
            FieldType.String => !string.IsNullOrEmpty((string?)value),
            FieldType.Bytes => value is ByteString { IsEmpty: false },
            FieldType.Bool => (bool)value!,
            FieldType.Enum => Convert.ToInt32(value, CultureInfo.InvariantCulture) != 0,
            FieldType.Float => (float)value! != 0f,
            FieldType.Double => (double)value! != 0d,
            _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture) != 0m,
        };
    }

    private static void WriteSingle(StringBuilder text, FieldDescriptor field, object value, int depth)
    {
        if (field.FieldType == FieldType.Message)
        {
            Indent(text, depth).Append(field.Name).Append(" {\n");
            WriteFields(text, (IMessage)value, depth + 1);
            Indent(text, depth).Append("}\n");
        }
        else
        {
            Indent(text, depth).Append(field.Name).Append(": ").Append(Scalar(field, value)).Append('\n');
        }
    }

    private static string Scalar(FieldDescriptor field, object value) => field.FieldType switch
    {
        FieldType.String => Quote(Encoding.UTF8.GetBytes((string)value)),
        FieldType.Bytes => Quote(((ByteString)value).ToByteArray()),
        FieldType.Bool => (bool)value ? "true" : "false",
        FieldType.Enum => EnumName(field.EnumType, Convert.ToInt32(value, CultureInfo.InvariantCulture)),
        FieldType.Float => ((float)value).ToString("R", CultureInfo.InvariantCulture),
        FieldType.Double => ((double)value).ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    private static string EnumName(EnumDescriptor type, int number) =>
        type.FindValueByNumber(number)?.Name ?? number.ToString(CultureInfo.InvariantCulture);

    /// <summary>A string literal: printable ASCII as is, quotes and backslashes escaped, every other byte as an octal escape.</summary>
    private static string Quote(byte[] utf8)
    {
        var text = new StringBuilder(utf8.Length + 2).Append('"');
        foreach (byte b in utf8)
        {
            switch (b)
            {
                case (byte)'"': text.Append("\\\""); break;
                case (byte)'\\': text.Append("\\\\"); break;
                case (byte)'\n': text.Append("\\n"); break;
                case (byte)'\r': text.Append("\\r"); break;
                case (byte)'\t': text.Append("\\t"); break;
                case >= 0x20 and < 0x7f: text.Append((char)b); break;
                default: text.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0')); break;
            }
        }
        return text.Append('"').ToString();
    }

    private static StringBuilder Indent(StringBuilder text, int depth) => text.Append(' ', depth * 2);
}
