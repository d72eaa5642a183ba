#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

namespace server {

// Opens `acceptor` on `endpoint` (address reuse on, the system's largest backlog): the
// error, if any, for the caller to word.
boost::system::error_code listen_on(boost::asio::ip::tcp::acceptor& acceptor,
                                    const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace server
