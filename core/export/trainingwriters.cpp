// The fine-tuning formats: prompt/completion, OpenAI-style chat, Anthropic-style chat and Alpaca.
// Each is JSONL: one object per line.
#include "export/formatwriter.h"
#include "export/jsontext.h"

using namespace Qt::StringLiterals;

namespace pairlens::exporting {
namespace {

class TrainingWriter : public FormatWriter
{
public:
    TrainingWriter(Format format, const WriterContext &c)
        : m_format(format), m_system(c.systemPrompt),
          m_template(c.promptTemplate.isEmpty() ? defaultTemplate(format) : c.promptTemplate),
          m_templateHasQuestion(m_template.contains(u"{question}"_s))
    {}

    void encode(const ExportRecord &r, QByteArray &out) const override
    {
        const QString prompt = renderTemplate(m_template, r);
        switch (m_format) {
        case Format::PromptCompletion:
            out.append("{\"prompt\":");
            json::appendString(out, prompt);
            out.append(",\"completion\":");
            json::appendString(out, r.sql);
            out.append('}');
            break;
        case Format::OpenAiChat:
            out.append("{\"messages\":[");
            if (!m_system.isEmpty()) {
                out.append("{\"role\":\"system\",\"content\":");
                json::appendString(out, renderTemplate(m_system, r));
                out.append("},");
            }
            out.append("{\"role\":\"user\",\"content\":");
            json::appendString(out, prompt);
            out.append("},{\"role\":\"assistant\",\"content\":");
            json::appendString(out, r.sql);
            out.append("}]}");
            break;
        case Format::AnthropicChat:
            out.append('{');
            if (!m_system.isEmpty()) {
                out.append("\"system\":");
                json::appendString(out, renderTemplate(m_system, r));
                out.append(',');
            }
            out.append("\"messages\":[{\"role\":\"user\",\"content\":");
            json::appendString(out, prompt);
            out.append("},{\"role\":\"assistant\",\"content\":");
            json::appendString(out, r.sql);
            out.append("}]}");
            break;
        case Format::Alpaca:
            // The template is the instruction; the question is the input unless the template
            // already contains it.
            out.append("{\"instruction\":");
            json::appendString(out, prompt);
            out.append(",\"input\":");
            json::appendString(out, m_templateHasQuestion ? QString() : r.question);
            out.append(",\"output\":");
            json::appendString(out, r.sql);
            out.append('}');
            break;
        default:
            break;
        }
        out.append('\n');
    }

private:
    Format m_format;
    QString m_system;
    QString m_template;
    bool m_templateHasQuestion;
};

} // namespace

std::unique_ptr<FormatWriter> createTrainingWriter(Format format, const WriterContext &context)
{
    return std::make_unique<TrainingWriter>(format, context);
}

} // namespace pairlens::exporting
