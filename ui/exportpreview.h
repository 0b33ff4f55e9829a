#pragma once

#include "datasetworker.h"
#include "export/exportoptions.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTimer;

namespace pairlens::ui {

namespace exportjobs {
struct Sample;
}

// The export dialog's right-hand side: a sample record exactly as the export engine writes it (the
// first selected pair, else the first pair the export takes), read on a pool thread whenever the
// options change, and the equivalent `pairlens export` command line (exporting::exportCommand) with
// a Copy button. A selection is given to the command as its pair ids.
class ExportPreview : public QWidget
{
    Q_OBJECT
public:
    ExportPreview(QString location, Selection selection, qint64 selectedCount, QWidget *parent = nullptr);

    // Shows the command at once and reads the sample again shortly after the last call.
    void setOptions(const exporting::ExportOptions &options, bool selectionScope);

    QString commandText() const;
    QString sampleText() const;
    bool isSampling() const { return m_sampling; }

public slots:
    void copyCommand();

signals:
    void sampled();

private:
    void sample();
    void showSample(const exportjobs::Sample &sample);
    void updateCommand();

    QString m_location;
    Selection m_selection;
    qint64 m_selectedCount = 0;
    exporting::ExportOptions m_options;
    bool m_selectionScope = false;
    std::optional<QStringList> m_pairIds; // the selection's, once read
    bool m_pairIdsTooMany = false;
    int m_generation = 0;
    bool m_sampling = false;

    QLabel *m_sampleLabel = nullptr;
    QPlainTextEdit *m_sample = nullptr;
    QPlainTextEdit *m_command = nullptr;
    QPushButton *m_copy = nullptr;
    QLabel *m_commandNote = nullptr;
    QTimer *m_timer = nullptr;
};

} // namespace pairlens::ui
