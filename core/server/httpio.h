#pragma once

// The HTTP plumbing under ApiServer: the listening socket (plain or TLS) with a guard on every
// connection that reads the request head before Qt HttpServer buffers the body, so that a body
// over the limit is refused with 413 before it is read; and writing JSON responses.

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QSslConfiguration>
#include <QTcpServer>

#include <optional>

class QTcpSocket;

namespace pairlens::server {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

QByteArray statusText(int status);
// Writes a complete response with a JSON body (compact) and Content-Length; `close` adds
// "Connection: close" and closes the connection once it is written.
void writeJson(QTcpSocket *socket, int status, const QJsonObject &body, const HeaderList &headers = {},
               bool close = false);
void writeRaw(QTcpSocket *socket, int status, const QByteArray &contentType, const QByteArray &body,
              const HeaderList &headers = {}, bool close = false);
// {"error": message}
QJsonObject errorBody(const QString &message);

// Accepts connections for QAbstractHttpServer::bind(): TLS when given a configuration, and a
// RequestGuard on every socket, connected before the HTTP server's own reader.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    GuardedTcpServer(qint64 maxBodyBytes, std::optional<QSslConfiguration> tls, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    qint64 m_maxBody;
    std::optional<QSslConfiguration> m_tls;
};

// Watches the bytes of one connection (it sees every byte before the HTTP server reads it): finds
// each request's head, answers "Expect: 100-continue", and refuses a Content-Length over the
// limit (413), a chunked request body (411) or a head over 64 KiB (431), then drains and closes.
class RequestGuard : public QObject
{
    Q_OBJECT
public:
    RequestGuard(QTcpSocket *socket, qint64 maxBodyBytes);

private:
    void onReadyRead();
    void refuse(int status, const QString &message);
    bool inspectHead(const QByteArray &head);

    QTcpSocket *m_socket;
    qint64 m_maxBody;
    QByteArray m_head;      // the current request's head so far
    qint64 m_bodyLeft = 0;  // body bytes of the current request still to come
    bool m_refused = false; // draining after a refusal
};

} // namespace pairlens::server
