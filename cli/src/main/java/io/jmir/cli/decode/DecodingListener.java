package io.jmir.cli.decode;

import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.Encoding;
import uk.co.real_logic.sbe.ir.Token;
import uk.co.real_logic.sbe.otf.AbstractTokenListener;
import uk.co.real_logic.sbe.otf.Types;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the field tree of one message from SBE's on-the-fly decoder callbacks. Not thread safe.
 */
final class DecodingListener extends AbstractTokenListener
{
    private final SbeDecoder decoder;
    private final boolean envelope;
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Deque<Map<String, Object>> stack = new ArrayDeque<>();

    DecodingListener(final SbeDecoder decoder, final boolean envelope)
    {
        this.decoder = decoder;
        this.envelope = envelope;
        stack.push(root);
    }

    Map<String, Object> fields()
    {
        return root;
    }

    @Override
    public void onEncoding(
        final Token fieldToken,
        final DirectBuffer buffer,
        final int index,
        final Token typeToken,
        final int actingVersion)
    {
        stack.peek().put(fieldToken.name(), value(buffer, index, typeToken));
    }

    @Override
    public void onEnum(
        final Token fieldToken,
        final DirectBuffer buffer,
        final int bufferIndex,
        final List<Token> tokens,
        final int beginIndex,
        final int endIndex,
        final int actingVersion)
    {
        final Token typeToken = tokens.get(beginIndex);
        final long raw = Types.getLong(buffer, bufferIndex, typeToken.encoding());
        String name = null;
        for (int i = beginIndex + 1; i < endIndex; i++)
        {
            final Token valid = tokens.get(i);
            if (valid.encoding().constValue() != null && valid.encoding().constValue().longValue() == raw)
            {
                name = valid.name();
                break;
            }
        }
        stack.peek().put(fieldToken.name(), new DecodedMessage.Symbol(name != null ? name : "UNKNOWN(" + raw + ")"));
    }

    @Override
    public void onBitSet(
        final Token fieldToken,
        final DirectBuffer buffer,
        final int bufferIndex,
        final List<Token> tokens,
        final int beginIndex,
        final int endIndex,
        final int actingVersion)
    {
        final Token typeToken = tokens.get(beginIndex);
        final long raw = Types.getLong(buffer, bufferIndex, typeToken.encoding());
        final List<Object> set = new ArrayList<>();
        for (int i = beginIndex + 1; i < endIndex; i++)
        {
            final Token choice = tokens.get(i);
            if (choice.encoding().constValue() != null &&
                (raw & (1L << choice.encoding().constValue().longValue())) != 0)
            {
                set.add(new DecodedMessage.Symbol(choice.name()));
            }
        }
        stack.peek().put(fieldToken.name(), set);
    }

    @Override
    public void onBeginComposite(
        final Token fieldToken, final List<Token> tokens, final int fromIndex, final int toIndex)
    {
        final Map<String, Object> composite = new LinkedHashMap<>();
        stack.peek().put(fieldToken.name(), composite);
        stack.push(composite);
    }

    @Override
    public void onEndComposite(
        final Token fieldToken, final List<Token> tokens, final int fromIndex, final int toIndex)
    {
        stack.pop();
    }

    @Override
    public void onGroupHeader(final Token token, final int numInGroup)
    {
        stack.peek().put(token.name(), new ArrayList<Map<String, Object>>(numInGroup));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onBeginGroup(final Token token, final int groupIndex, final int numInGroup)
    {
        final Map<String, Object> entry = new LinkedHashMap<>();
        ((List<Map<String, Object>>)stack.peek().get(token.name())).add(entry);
        stack.push(entry);
    }

    @Override
    public void onEndGroup(final Token token, final int groupIndex, final int numInGroup)
    {
        stack.pop();
    }

    @Override
    public void onVarData(
        final Token fieldToken,
        final DirectBuffer buffer,
        final int bufferIndex,
        final int length,
        final Token typeToken)
    {
        final Object value;
        if (envelope && "followUps".equals(fieldToken.name()))
        {
            value = decoder.decodeEnvelopes(buffer, bufferIndex, length);
        }
        else if (typeToken.encoding().characterEncoding() != null &&
            typeToken.encoding().primitiveType() == PrimitiveType.CHAR)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(bufferIndex, bytes);
            value = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        else
        {
            value = decoder.decodeBytes(buffer, bufferIndex, length);
        }
        stack.peek().put(fieldToken.name(), value);
    }

    private static Object value(final DirectBuffer buffer, final int index, final Token typeToken)
    {
        final Encoding encoding = typeToken.encoding();
        final PrimitiveType type = encoding.primitiveType();
        final int arrayLength = typeToken.arrayLength();
        if (typeToken.isConstantEncoding())
        {
            return new DecodedMessage.Symbol(String.valueOf(encoding.constValue()));
        }
        if (arrayLength > 1)
        {
            if (type == PrimitiveType.CHAR)
            {
                final byte[] bytes = new byte[arrayLength];
                buffer.getBytes(index, bytes);
                int end = 0;
                while (end < bytes.length && bytes[end] != 0)
                {
                    end++;
                }
                return new String(bytes, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
            }
            if (type == PrimitiveType.UINT8 || type == PrimitiveType.INT8)
            {
                final byte[] bytes = new byte[arrayLength];
                buffer.getBytes(index, bytes);
                return new DecodedMessage.Hex(bytes);
            }
            final List<Object> values = new ArrayList<>(arrayLength);
            for (int i = 0; i < arrayLength; i++)
            {
                values.add(scalar(buffer, index + i * type.size(), encoding));
            }
            return values;
        }
        return scalar(buffer, index, encoding);
    }

    private static Object scalar(final DirectBuffer buffer, final int index, final Encoding encoding)
    {
        final PrimitiveType type = encoding.primitiveType();
        if (type == PrimitiveType.FLOAT || type == PrimitiveType.DOUBLE)
        {
            final StringBuilder sb = new StringBuilder();
            Types.appendAsString(sb, buffer, index, encoding);
            return new DecodedMessage.Symbol(sb.toString());
        }
        if (type == PrimitiveType.CHAR)
        {
            return String.valueOf((char)buffer.getByte(index));
        }
        if (type == PrimitiveType.UINT64)
        {
            final long raw = buffer.getLong(index, encoding.byteOrder());
            return raw >= 0 ? (Object)raw : new DecodedMessage.Symbol(Long.toUnsignedString(raw));
        }
        return Types.getLong(buffer, index, encoding);
    }
}
